import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  ApiEvent,
  StampBackupView,
  StampConnectInput,
  StampConnectionView,
  StampEssentialsView,
  StampOperationView,
  StampPruneResult,
  StampSettingsInputValue,
} from '../../../preload/api';
import { validateStampSettingsInput, type FieldError } from '../../../common/stamp-settings';
import { ApiCallError, useApi } from '../api';

export interface SignInPrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresAt: string;
}

function asApiError(caught: unknown): ApiCallError {
  return caught instanceof ApiCallError
    ? caught
    : new ApiCallError({ code: 'internal', message: String(caught), remediation: 'Reload the console.' });
}

/**
 * The stamp target: an Azure Stack Hub stamp's own backup, driven through the
 * engine's stamp methods. Holds what the stamp blade shows; the rules (field
 * validation, DryRun before delete) are the engine's and the shared schema's.
 */
export const useStampStore = defineStore('stamp', () => {
  const connection = ref<StampConnectionView | null>(null);
  const essentials = ref<StampEssentialsView | null>(null);
  const backups = ref<StampBackupView[]>([]);
  const operations = ref<StampOperationView[]>([]);
  const error = ref<ApiCallError | null>(null);
  const loading = ref(false);

  const connecting = ref(false);
  const connectError = ref<ApiCallError | null>(null);
  const signInPrompt = ref<SignInPrompt | null>(null);

  const saving = ref(false);
  const saveError = ref<ApiCallError | null>(null);
  const startingBackup = ref(false);
  const actionError = ref<ApiCallError | null>(null);

  const pruneResult = ref<StampPruneResult | null>(null);
  const pruning = ref(false);
  const pruneError = ref<ApiCallError | null>(null);

  const connected = computed(() => connection.value?.connected === true);
  const activeOperation = computed(() => operations.value.find((operation) => operation.state === 'InProgress') ?? null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      connection.value = await useApi().call('stampGetConnection');
      error.value = null;
      if (connection.value.connected) await refresh();
    } catch (caught) {
      error.value = asApiError(caught);
    } finally {
      loading.value = false;
    }
  }

  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      const api = useApi();
      const [nextEssentials, nextBackups, nextOperations] = await Promise.all([
        api.call('stampGetEssentials'),
        api.call('stampListBackups'),
        api.call('stampListOperations'),
      ]);
      essentials.value = nextEssentials;
      connection.value = nextEssentials.connection;
      backups.value = nextBackups;
      operations.value = nextOperations;
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    } finally {
      loading.value = false;
    }
  }

  async function connect(input: StampConnectInput): Promise<boolean> {
    connecting.value = true;
    connectError.value = null;
    try {
      connection.value = await useApi().call('stampConnect', input);
      await refresh();
      return true;
    } catch (caught) {
      connectError.value = asApiError(caught);
      return false;
    } finally {
      connecting.value = false;
      signInPrompt.value = null;
    }
  }

  /** Also cancels a sign-in still waiting for the operator. */
  async function disconnect(): Promise<void> {
    try {
      connection.value = await useApi().call('stampDisconnect');
      essentials.value = null;
      backups.value = [];
      operations.value = [];
      pruneResult.value = null;
    } catch (caught) {
      actionError.value = asApiError(caught);
    }
  }

  /** The console's form rules under the API's names, as you type. */
  function validate(input: StampSettingsInputValue): FieldError[] {
    const store = essentials.value?.backupLocation.externalStoreDefault;
    return validateStampSettingsInput(
      { path: store?.path ?? null, encryptionCertThumbprint: store?.encryptionCertThumbprint ?? null },
      input,
    );
  }

  async function saveSettings(input: StampSettingsInputValue): Promise<boolean> {
    saving.value = true;
    saveError.value = null;
    try {
      await useApi().call('stampSaveSettings', input);
      await refresh();
      return true;
    } catch (caught) {
      saveError.value = asApiError(caught);
      return false;
    } finally {
      saving.value = false;
    }
  }

  async function setScheduler(enabled: boolean): Promise<void> {
    saving.value = true;
    actionError.value = null;
    try {
      await useApi().call('stampSetScheduler', { isBackupSchedulerEnabled: enabled });
      await refresh();
    } catch (caught) {
      actionError.value = asApiError(caught);
    } finally {
      saving.value = false;
    }
  }

  async function backupNow(): Promise<void> {
    startingBackup.value = true;
    actionError.value = null;
    try {
      onOperation(await useApi().call('stampStartBackup'));
    } catch (caught) {
      actionError.value = asApiError(caught);
    } finally {
      startingBackup.value = false;
    }
  }

  async function dryRun(): Promise<void> {
    pruning.value = true;
    pruneError.value = null;
    pruneResult.value = null;
    try {
      pruneResult.value = await useApi().call('stampPrune', { operationType: 'DryRun' });
    } catch (caught) {
      pruneError.value = asApiError(caught);
    } finally {
      pruning.value = false;
    }
  }

  /** Deletes exactly what the dry run listed; the engine refuses if a new dry run lists something else. */
  async function applyPrune(): Promise<boolean> {
    if (!pruneResult.value || pruneResult.value.operationType !== 'DryRun') return false;
    pruning.value = true;
    pruneError.value = null;
    try {
      pruneResult.value = await useApi().call('stampPrune', {
        operationType: 'Default',
        confirmPathsToDelete: pruneResult.value.pathsToDelete,
      });
      void refresh();
      return true;
    } catch (caught) {
      pruneError.value = asApiError(caught);
      return false;
    } finally {
      pruning.value = false;
    }
  }

  function onOperation(operation: StampOperationView): void {
    const index = operations.value.findIndex((candidate) => candidate.operationId === operation.operationId);
    if (index >= 0) operations.value.splice(index, 1, operation);
    else operations.value.unshift(operation);
    if (operation.state !== 'InProgress' && connected.value) void refresh();
  }

  function onEvent(event: ApiEvent): void {
    if (event.type === 'stamp-sign-in') signInPrompt.value = { ...event };
    else if (event.type === 'stamp-operation') onOperation(event.operation);
  }

  /** While the stamp target is shown: sign-in prompts and operation states as they come. */
  function follow(): () => void {
    return useApi().onEvent(onEvent);
  }

  return {
    connection,
    essentials,
    backups,
    operations,
    error,
    loading,
    connecting,
    connectError,
    signInPrompt,
    saving,
    saveError,
    startingBackup,
    actionError,
    pruneResult,
    pruning,
    pruneError,
    connected,
    activeOperation,
    load,
    refresh,
    connect,
    disconnect,
    validate,
    saveSettings,
    setScheduler,
    backupNow,
    dryRun,
    applyPrune,
    follow,
  };
});
