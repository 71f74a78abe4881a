import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CapacityView, EssentialsView } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';
import { newestAnswer } from './newest-answer';

/** The blade's Essentials: health at a glance, and Enable / Disable automatic backups. */
export const useEssentialsStore = defineStore('essentials', () => {
  const essentials = ref<EssentialsView | null>(null);
  const error = ref<ApiCallError | null>(null);
  const loading = ref(false);
  const switching = ref(false);
  /** Shown beside the Enable / Disable command. */
  const switchError = ref<ApiCallError | null>(null);

  const configured = computed(() => essentials.value?.settings.configured === true);

  const answers = newestAnswer();
  /** The capacity arrives by its own event too (a reading finishes after the answer that started it). */
  const capacityAnswers = newestAnswer();
  let capacityTold: CapacityView | null = null;

  async function refresh(): Promise<void> {
    const newest = answers.ask();
    const newestCapacity = capacityAnswers.ask();
    loading.value = true;
    try {
      const answer = await useApi().call('getEssentials');
      if (!newest()) return;
      essentials.value = newestCapacity() || capacityTold === null ? answer : { ...answer, capacity: capacityTold };
      error.value = null;
    } catch (caught) {
      if (!newest()) return;
      error.value = asApiError(caught);
    } finally {
      if (newest()) loading.value = false;
    }
  }

  /** A reading of the share's free capacity (started by a refresh, a backup or maintenance), as it lands. */
  function onCapacity(capacity: CapacityView): void {
    capacityAnswers.told();
    capacityTold = capacity;
    if (essentials.value) essentials.value.capacity = capacity;
  }

  /** Enable / Disable Automatic Backups: settings and schedule are kept either way. */
  async function setAutomaticBackups(enabled: boolean): Promise<void> {
    switching.value = true;
    switchError.value = null;
    try {
      const schedule = await useApi().call('setAutomaticBackups', { enabled });
      if (essentials.value) essentials.value.schedule = schedule;
      await refresh();
    } catch (caught) {
      switchError.value = asApiError(caught);
    } finally {
      switching.value = false;
    }
  }

  /** Pause / Resume backups (a maintenance pause): scheduled backups are skipped until `until`. */
  async function pause(input: { until: string; reason: string }): Promise<boolean> {
    return changeSchedule(() => useApi().call('pauseSchedule', input));
  }
  async function resume(): Promise<boolean> {
    return changeSchedule(() => useApi().call('resumeSchedule'));
  }
  async function changeSchedule(call: () => Promise<EssentialsView['schedule']>): Promise<boolean> {
    switching.value = true;
    switchError.value = null;
    try {
      const schedule = await call();
      if (essentials.value) essentials.value.schedule = schedule;
      await refresh();
      return true;
    } catch (caught) {
      switchError.value = asApiError(caught);
      return false;
    } finally {
      switching.value = false;
    }
  }

  /** The newest finished run, whatever its outcome (the engine's run log owns it, as it owns the last success). */
  const lastAttempt = computed(() => essentials.value?.lastAttempt ?? null);

  return {
    essentials,
    lastAttempt,
    error,
    loading,
    switching,
    switchError,
    configured,
    refresh,
    onCapacity,
    setAutomaticBackups,
    pause,
    resume,
  };
});
