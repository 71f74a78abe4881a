import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  BackupDetail,
  OperationProgress,
  RecoveryKeyCheck,
  RecoveryKeyInput,
  RestoreResult,
  VerifyResult,
} from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';

export type RecoveryKind = 'verify' | 'restore';
export type RecoveryPhase = 'ready' | 'running' | 'done' | 'failed';

export interface RestoreRequest {
  backupId: string;
  targetFolder: string;
  component: string | null;
  key: RecoveryKeyInput;
  /** A signer's public key the operator trusts although this console does not know it; empty: none. */
  trustSigner?: string;
}

/**
 * Verify, restore and "Check my recovery key". Key material (.pfx bytes,
 * passwords, a legacy key) passes through for one call and is never kept here.
 */
export const useRecoveryStore = defineStore('recovery', () => {
  /** The backup the open dialog works on, with its components (the restore dropdown) and encryption. */
  const backup = ref<BackupDetail | null>(null);
  const backupError = ref<ApiCallError | null>(null);
  const kind = ref<RecoveryKind>('verify');
  const phase = ref<RecoveryPhase>('ready');
  const verifyResult = ref<VerifyResult | null>(null);
  const restoreResult = ref<RestoreResult | null>(null);
  const error = ref<ApiCallError | null>(null);
  /** The running operation's id (chosen here, so its progress and Cancel are known before the call returns). */
  const operationId = ref<string | null>(null);
  const progress = ref<OperationProgress | null>(null);
  const cancelling = ref(false);
  const checking = ref(false);
  const checkResult = ref<RecoveryKeyCheck | null>(null);
  const checkError = ref<ApiCallError | null>(null);

  /** Components that hold data (a component that failed during backup has nothing to restore). */
  const restorableComponents = computed(() => backup.value?.components.filter((component) => component.state === 'Succeeded') ?? []);

  async function prepare(next: RecoveryKind, backupId: string): Promise<void> {
    kind.value = next;
    phase.value = 'ready';
    verifyResult.value = null;
    restoreResult.value = null;
    error.value = null;
    backupError.value = null;
    progress.value = null;
    if (backup.value?.backupId !== backupId) backup.value = null;
    try {
      backup.value = await useApi().call('getBackup', { backupId });
    } catch (caught) {
      backupError.value = asApiError(caught);
    }
  }

  /** Runs one operation; its progress arrives as events under the id chosen here. */
  async function operate(work: (id: string) => Promise<void>): Promise<void> {
    const id = crypto.randomUUID();
    operationId.value = id;
    progress.value = null;
    cancelling.value = false;
    phase.value = 'running';
    error.value = null;
    // Every run starts clean: an old result never stands beside a new one.
    verifyResult.value = null;
    restoreResult.value = null;
    try {
      await work(id);
      phase.value = 'done';
    } catch (caught) {
      error.value = asApiError(caught);
      phase.value = 'failed';
    } finally {
      operationId.value = null;
      cancelling.value = false;
    }
  }

  /** The trusted signer as the contract takes it: absent when none is typed. */
  const trusting = (trustSigner: string | undefined): { trustSigner?: string } =>
    trustSigner?.trim() ? { trustSigner: trustSigner.trim() } : {};

  const verify = (backupId: string, key?: RecoveryKeyInput, trustSigner?: string): Promise<void> =>
    operate(async (id) => {
      verifyResult.value = await useApi().call('verifyBackup', {
        backupId,
        operationId: id,
        ...(key ? { key } : {}),
        ...trusting(trustSigner),
      });
    });

  const restore = (request: RestoreRequest): Promise<void> =>
    operate(async (id) => {
      restoreResult.value = await useApi().call('restoreBackup', {
        backupId: request.backupId,
        targetFolder: request.targetFolder.trim(),
        key: request.key,
        operationId: id,
        ...(request.component ? { component: request.component } : {}),
        ...trusting(request.trustSigner),
      });
    });

  function onOperationProgress(next: OperationProgress): void {
    if (next.operationId === operationId.value) progress.value = next;
  }

  /** Cancel: the operation then ends with the engine's 'cancelled' error. Possible once it has reported. */
  async function cancel(): Promise<void> {
    const id = operationId.value;
    if (!id || !progress.value) return;
    cancelling.value = true;
    try {
      await useApi().call('cancelOperation', { operationId: id });
    } catch (caught) {
      // Finished meanwhile: its own outcome stands.
      const apiError = asApiError(caught);
      if (apiError.code !== 'invalid-input') error.value = apiError;
      cancelling.value = false;
    }
  }

  /** Back to the form after a failure, keeping the backup. */
  function retry(): void {
    phase.value = 'ready';
    error.value = null;
  }

  async function checkRecoveryKey(pfxBase64: string, password: string): Promise<void> {
    checking.value = true;
    checkResult.value = null;
    checkError.value = null;
    try {
      checkResult.value = await useApi().call('checkRecoveryKey', { pfxBase64, password });
    } catch (caught) {
      checkError.value = asApiError(caught);
    } finally {
      checking.value = false;
    }
  }

  function resetCheck(): void {
    checkResult.value = null;
    checkError.value = null;
  }

  return {
    backup,
    backupError,
    kind,
    phase,
    verifyResult,
    restoreResult,
    error,
    progress,
    cancelling,
    checking,
    checkResult,
    checkError,
    restorableComponents,
    prepare,
    verify,
    restore,
    onOperationProgress,
    cancel,
    retry,
    checkRecoveryKey,
    resetCheck,
  };
});
