import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  BackupDetail,
  BackupSummary,
  JobProgress,
  RecoveryKeyCheck,
  RecoveryKeyInput,
  RestoreResult,
  VerifyResult,
} from '../../../preload/api';
import { useApi, type ApiCallError } from '../api';
import { asApiError } from './settings';

/** Backups on the share, the running job, and the verify/restore/check-key operations. */
export const useBackupsStore = defineStore('backups', () => {
  const backups = ref<BackupSummary[]>([]);
  const activeJob = ref<JobProgress | null>(null);
  const lastFinished = ref<{ backup: BackupSummary | null; error: ApiCallError | null } | null>(null);
  const error = ref<ApiCallError | null>(null);
  const loading = ref(false);
  const detail = ref<BackupDetail | null>(null);

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      backups.value = await useApi().call('listBackups');
      activeJob.value = await useApi().call('getActiveJob');
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    } finally {
      loading.value = false;
    }
  }

  async function backupNow(): Promise<void> {
    try {
      activeJob.value = await useApi().call('startBackup');
      lastFinished.value = null;
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    }
  }

  async function cancel(): Promise<void> {
    try {
      await useApi().call('cancelBackup');
    } catch (caught) {
      error.value = asApiError(caught);
    }
  }

  async function openDetail(backupId: string): Promise<void> {
    try {
      detail.value = await useApi().call('getBackup', { backupId });
    } catch (caught) {
      error.value = asApiError(caught);
    }
  }

  // The key is passed straight through for one call and never kept in the store.
  const verify = (backupId: string, key?: RecoveryKeyInput): Promise<VerifyResult> =>
    useApi().call('verifyBackup', key ? { backupId, key } : { backupId });
  const restore = (backupId: string, targetFolder: string, key: RecoveryKeyInput, component?: string): Promise<RestoreResult> =>
    useApi().call('restoreBackup', { backupId, targetFolder, key, ...(component ? { component } : {}) });
  const checkRecoveryKey = (pfxBase64: string, password: string): Promise<RecoveryKeyCheck> =>
    useApi().call('checkRecoveryKey', { pfxBase64, password });

  function onProgress(progress: JobProgress): void {
    activeJob.value = progress;
  }
  function onFinished(backup: BackupSummary | null, finishedError: ApiCallError | null): void {
    activeJob.value = null;
    lastFinished.value = { backup, error: finishedError };
    void refresh();
  }

  return {
    backups,
    activeJob,
    lastFinished,
    error,
    loading,
    detail,
    refresh,
    backupNow,
    cancel,
    openDetail,
    verify,
    restore,
    checkRecoveryKey,
    onProgress,
    onFinished,
  };
});
