import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Alert } from '../../../preload/api';
import { useApi, type ApiCallError } from '../api';
import { asApiError } from './settings';

export const useAlertsStore = defineStore('alerts', () => {
  const alerts = ref<Alert[]>([]);
  const error = ref<ApiCallError | null>(null);
  async function refresh(): Promise<void> {
    try {
      alerts.value = await useApi().call('listAlerts');
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    }
  }
  return { alerts, error, refresh };
});
