import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Alert } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';
import { newestAnswer } from './newest-answer';

export const useAlertsStore = defineStore('alerts', () => {
  const alerts = ref<Alert[]>([]);
  const loaded = ref(false);
  const error = ref<ApiCallError | null>(null);

  /** alerts-changed says what holds now: a listing in flight when it comes is older. */
  const answers = newestAnswer();

  async function refresh(): Promise<void> {
    const newest = answers.ask();
    try {
      const listed = await useApi().call('listAlerts');
      if (!newest()) return;
      alerts.value = listed;
      error.value = null;
    } catch (caught) {
      if (!newest()) return;
      error.value = asApiError(caught);
    } finally {
      loaded.value = true;
    }
  }

  function onChanged(next: Alert[]): void {
    answers.told();
    error.value = null;
    alerts.value = next;
    loaded.value = true;
  }

  return { alerts, loaded, error, refresh, onChanged };
});
