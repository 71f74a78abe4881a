import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { BackupSummary, ScheduleView, TimelineEvent } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';
import { newestAnswer } from './newest-answer';
import { TIMELINE_FILTERS, timelineRows, type TimelineFilter } from '../format/timeline-rows';
import { useBackupsStore } from './backups';

/** Past runs and events (history), upcoming slots (schedule) and each backup's retention expiry (share). */
export const useTimelineStore = defineStore('timeline', () => {
  const events = ref<TimelineEvent[]>([]);
  const schedule = ref<ScheduleView | null>(null);
  /** The backups on the share: their sizes for the run rows, their expiry for the upcoming list. */
  const backups = ref<BackupSummary[]>([]);
  const filter = ref<TimelineFilter>('all');
  const loaded = ref(false);
  const error = ref<ApiCallError | null>(null);

  const rows = computed(() =>
    timelineRows(events.value, {
      sizes: new Map(backups.value.map((backup) => [backup.backupId, backup.sizeBytes])),
      runningBackupId: useBackupsStore().activeJob?.backupId ?? null,
    }),
  );
  const expiring = computed(() => backups.value.filter((backup) => backup.state !== 'Failed' && backup.state !== 'Unknown'));

  /** Refreshes follow events and filter changes: the answer for an older question (another filter) never replaces a newer one. */
  const answers = newestAnswer();

  async function refresh(): Promise<void> {
    const newest = answers.ask();
    const kinds = TIMELINE_FILTERS.find((entry) => entry.value === filter.value)?.kinds ?? [];
    try {
      const [past, next] = await Promise.all([
        useApi().call('getTimeline', kinds.length > 0 ? { kinds, limit: 500 } : { limit: 500 }),
        useApi().call('getSchedule'),
      ]);
      if (!newest()) return;
      events.value = past;
      schedule.value = next;
      error.value = null;
    } catch (caught) {
      if (!newest()) return;
      error.value = asApiError(caught);
    }
    let listed: BackupSummary[];
    try {
      listed = await useApi().call('listBackups');
    } catch {
      // Unconfigured or unreachable share: the past and the schedule still show, without sizes.
      listed = [];
    }
    if (!newest()) return;
    backups.value = listed;
    loaded.value = true;
  }

  async function setFilter(next: TimelineFilter): Promise<void> {
    filter.value = next;
    await refresh();
  }

  return { events, schedule, backups, filter, loaded, error, rows, expiring, refresh, setFilter };
});
