import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../preload/api';
import { useApi, type ApiCallError } from '../api';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  /** Desktop: the engine's process stopped and was restarted; shown until the operator closes it. */
  const engineNotice = ref<ApiCallError | null>(null);
  async function load(): Promise<void> {
    info.value = await useApi().call('getAppInfo');
  }
  return { info, engineNotice, load };
});
