import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { EssentialsView } from '../../../preload/api';
import { useApi, ApiCallError } from '../api';

export const useEssentialsStore = defineStore('essentials', () => {
  const essentials = ref<EssentialsView | null>(null);
  const error = ref<ApiCallError | null>(null);
  const loading = ref(false);

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      essentials.value = await useApi().call('getEssentials');
      error.value = null;
    } catch (caught) {
      error.value =
        caught instanceof ApiCallError
          ? caught
          : new ApiCallError({ code: 'internal', message: String(caught), remediation: 'Reload the console.' });
    } finally {
      loading.value = false;
    }
  }

  /** Enable / Disable Automatic Backups: settings and schedule are kept either way. */
  async function setAutomaticBackups(enabled: boolean): Promise<void> {
    try {
      await useApi().call('setAutomaticBackups', { enabled });
      await refresh();
    } catch (caught) {
      error.value =
        caught instanceof ApiCallError
          ? caught
          : new ApiCallError({ code: 'internal', message: String(caught), remediation: 'Reload the console.' });
    }
  }

  return { essentials, error, loading, refresh, setAutomaticBackups };
});
