import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { BackupSummary, ScheduleView, TimelineEvent, TimelineKind } from '../../../preload/api';
import { useApi, type ApiCallError } from '../api';
import { asApiError } from './settings';

/** Past events (history), the upcoming slots (schedule) and each backup's retention expiry (share). */
export const useTimelineStore = defineStore('timeline', () => {
  const events = ref<TimelineEvent[]>([]);
  const schedule = ref<ScheduleView | null>(null);
  const backups = ref<BackupSummary[]>([]);
  const kinds = ref<TimelineKind[]>([]);
  const error = ref<ApiCallError | null>(null);
  const backupsError = ref<ApiCallError | null>(null);

  async function refresh(): Promise<void> {
    try {
      events.value = await useApi().call('getTimeline', kinds.value.length > 0 ? { kinds: kinds.value, limit: 500 } : { limit: 500 });
      schedule.value = await useApi().call('getSchedule');
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    }
    try {
      backups.value = await useApi().call('listBackups');
      backupsError.value = null;
    } catch (caught) {
      // Unconfigured or unreachable share: the past and the schedule still show.
      backupsError.value = asApiError(caught);
      backups.value = [];
    }
  }

  return { events, schedule, backups, kinds, error, backupsError, refresh };
});
