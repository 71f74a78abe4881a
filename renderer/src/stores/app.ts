import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError, type Connection } from '../api';

/** What the header shows: the console's version and front door, and whether the engine answers. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const connection = ref<Connection>('connected');
  const error = ref<ApiCallError | null>(null);
  /** Desktop: the engine's process stopped and was restarted; shown until the operator closes it. */
  const engineNotice = ref<ApiCallError | null>(null);
  let watching = false;

  async function load(): Promise<void> {
    if (!watching) {
      useApi().onConnection((next) => (connection.value = next));
      watching = true;
    }
    try {
      info.value = await useApi().call('getAppInfo');
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    }
  }

  return { info, connection, error, engineNotice, load };
});
