import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Alert } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';

export const useAlertsStore = defineStore('alerts', () => {
  const alerts = ref<Alert[]>([]);
  const loaded = ref(false);
  const error = ref<ApiCallError | null>(null);

  async function refresh(): Promise<void> {
    try {
      alerts.value = await useApi().call('listAlerts');
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    } finally {
      loaded.value = true;
    }
  }

  function onChanged(next: Alert[]): void {
    alerts.value = next;
    loaded.value = true;
  }

  return { alerts, loaded, error, refresh, onChanged };
});
