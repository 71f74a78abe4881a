import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../preload/api';
import { useApi } from '../api';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  async function load(): Promise<void> {
    info.value = await useApi().call('getAppInfo');
  }
  return { info, load };
});
