import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { BackupDetail, BackupSummary, JobProgress } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';
import { useEssentialsStore } from './essentials';
import { newestAnswer } from './newest-answer';

/** Backups on the share, the running job (Backup now, Cancel) and one backup's details. */
export const useBackupsStore = defineStore('backups', () => {
  const backups = ref<BackupSummary[]>([]);
  /** The list has been read from the share at least once. */
  const loaded = ref(false);
  const loading = ref(false);
  /** Listing failed; not set when backup is simply not configured yet (that is an empty list, not an error). */
  const error = ref<ApiCallError | null>(null);
  const activeJob = ref<JobProgress | null>(null);
  const starting = ref(false);
  const cancelling = ref(false);
  /** Shown beside Backup now: why it could not start, or how the last job ended. */
  const startError = ref<ApiCallError | null>(null);
  const lastFinished = ref<{ backup: BackupSummary | null; error: ApiCallError | null } | null>(null);
  const detail = ref<BackupDetail | null>(null);
  const detailError = ref<ApiCallError | null>(null);
  /** The details drawer of an entry that is not a backup. */
  const unknownEntry = ref<BackupSummary | null>(null);

  /** Why Backup now cannot be pressed, in words; null when it can. */
  const backupNowBlocked = computed<string | null>(() => {
    const essentials = useEssentialsStore();
    if (essentials.essentials && !essentials.configured) return 'configure backup first.';
    if (activeJob.value) return 'a backup is running.';
    return null;
  });

  /** Cancel was accepted (here, or from another front door): the job is stopping. */
  const jobCancelling = computed(() => cancelling.value || activeJob.value?.state === 'Cancelling');

  /** The last job was cancelled: an outcome the operator chose, not a failure. */
  const lastCancelled = computed(() => {
    const finished = lastFinished.value;
    return finished !== null && (finished.backup?.state === 'Cancelled' || finished.error?.code === 'cancelled');
  });

  const sizes = computed(() => new Map(backups.value.map((backup) => [backup.backupId, backup.sizeBytes])));

  /** A slow listing that ends after a newer one must not bring back rows the newer one dropped. */
  const listing = newestAnswer();
  /**
   * Where the job stands: a reply that was in flight while a job event arrived is
   * older than it (a Queued reply to Backup now after the job's Running event, a
   * running job after its end) and must not replace what the event said.
   */
  const jobState = newestAnswer();

  async function refresh(): Promise<void> {
    const newestListing = listing.ask();
    loading.value = true;
    // The running job is the console's own: known even when the share cannot be listed.
    const newestJobState = jobState.ask();
    const job = useApi()
      .call('getActiveJob')
      .then((value) => {
        if (newestJobState()) activeJob.value = value;
      })
      .catch(() => undefined);
    try {
      const listed = await useApi().call('listBackups');
      if (!newestListing()) return;
      backups.value = listed;
      error.value = null;
    } catch (caught) {
      if (!newestListing()) return;
      const apiError = asApiError(caught);
      if (apiError.code === 'not-configured') {
        backups.value = [];
        error.value = null;
      } else {
        error.value = apiError;
      }
    } finally {
      await job;
      if (newestListing()) {
        loaded.value = true;
        loading.value = false;
      }
    }
  }

  /** `force`: the operator confirmed a backup while backups are paused. */
  async function backupNow(force = false): Promise<void> {
    starting.value = true;
    startError.value = null;
    try {
      const newestJobState = jobState.ask();
      const started = await useApi().call('startBackup', force ? { force } : undefined);
      if (newestJobState()) activeJob.value = started;
      // A job that ended before this reply came keeps its end on show.
      if (lastFinished.value?.backup?.backupId !== started.backupId) lastFinished.value = null;
    } catch (caught) {
      startError.value = asApiError(caught);
    } finally {
      starting.value = false;
    }
  }

  async function cancel(): Promise<void> {
    cancelling.value = true;
    try {
      await useApi().call('cancelBackup');
    } catch (caught) {
      startError.value = asApiError(caught);
    } finally {
      cancelling.value = false;
    }
  }

  async function openDetail(backupId: string): Promise<void> {
    detailError.value = null;
    // An Unknown entry has no manifest to read: its row already says all that is known, and why it is not a backup.
    const row = backups.value.find((backup) => backup.backupId === backupId);
    if (row?.state === 'Unknown') {
      unknownEntry.value = row;
      return;
    }
    try {
      detail.value = await useApi().call('getBackup', { backupId });
    } catch (caught) {
      detailError.value = asApiError(caught);
    }
  }

  function closeDetail(): void {
    detail.value = null;
    unknownEntry.value = null;
    detailError.value = null;
  }

  // Events bring a job's progress and end; a job that ends while the event
  // stream is (re)connecting would leave a stale "running" card, so while a job
  // runs the console also asks now and then.
  const JOB_CHECK_MS = 3000;
  let jobCheck: ReturnType<typeof setInterval> | null = null;
  watch(
    () => activeJob.value !== null,
    (running) => {
      if (jobCheck !== null) clearInterval(jobCheck);
      jobCheck = running ? setInterval(() => void checkJob(), JOB_CHECK_MS) : null;
    },
  );
  async function checkJob(): Promise<void> {
    const newestJobState = jobState.ask();
    let job: JobProgress | null;
    try {
      job = await useApi().call('getActiveJob');
    } catch {
      return;
    }
    if (!newestJobState() || activeJob.value === null) return;
    if (job !== null) {
      // A missed progress event (the stream reconnecting) would leave the card behind the job.
      activeJob.value = job;
      return;
    }
    activeJob.value = null;
    cancelling.value = false;
    await Promise.all([refresh(), useEssentialsStore().refresh()]);
  }

  function onProgress(progress: JobProgress): void {
    jobState.told();
    activeJob.value = progress;
  }

  /** Retention started deleting these: their rows say so at once, and the listing says so too until they are gone. */
  function onDeleting(backupIds: readonly string[]): void {
    const deleting = new Set(backupIds);
    backups.value = backups.value.map((backup) => (deleting.has(backup.backupId) ? { ...backup, deleting: true } : backup));
    void refresh();
  }

  /**
   * Retention finished: those it could not delete are no longer pending; the
   * deleted rows go with the engine's next listing, which no longer has them
   * (until then they say Deleting…, as the engine's listing did). When the
   * share cannot be listed, they go anyway: the engine said they are gone.
   */
  async function onDeleted(backupIds: readonly string[], failed: readonly string[]): Promise<void> {
    const kept = new Set(failed);
    backups.value = backups.value.map((backup) => {
      if (!kept.has(backup.backupId) || !backup.deleting) return backup;
      const { deleting: _deleting, ...rest } = backup;
      return rest;
    });
    await refresh();
    if (!error.value) return;
    const deleted = new Set(backupIds);
    backups.value = backups.value.filter((backup) => !deleted.has(backup.backupId));
  }

  function onFinished(backup: BackupSummary | null, finishedError: ApiCallError | null): void {
    jobState.told();
    activeJob.value = null;
    cancelling.value = false;
    lastFinished.value = { backup, error: finishedError };
    void refresh();
  }

  return {
    backups,
    loaded,
    loading,
    error,
    activeJob,
    starting,
    cancelling,
    jobCancelling,
    lastCancelled,
    startError,
    lastFinished,
    detail,
    detailError,
    unknownEntry,
    backupNowBlocked,
    sizes,
    refresh,
    backupNow,
    cancel,
    openDetail,
    closeDetail,
    onProgress,
    onFinished,
    onDeleting,
    onDeleted,
  };
});
