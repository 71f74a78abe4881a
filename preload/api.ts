/**
 * The contract of the Infrastructure Backup Console.
 *
 * Every capability of the product is a method of `BackupConsoleApi`. The engine
 * implements it once; the Electron IPC layer, the web host and the CLI are thin
 * adapters over that implementation; the renderer consumes it through one client
 * with two transports. Types only cross this boundary: no functions, no class
 * instances, no secrets flowing back out (passwords and private keys are
 * write-only inputs).
 *
 * The schemas in common/contract/ define every method's input and result and
 * the events; the types here are inferred from them, so each is written once.
 * This file must stay free of runtime imports (lint-enforced) so that the
 * sandboxed preload, the renderer and the engine can all depend on it: it
 * imports the schemas as types only, and keeps the few constants the preload
 * and the schemas need at run time.
 */
import type { z } from 'zod';
import type * as inputs from '../common/contract/inputs';
import type { API_CONTRACT, apiEvent } from '../common/contract/methods';
import type * as views from '../common/contract/views';
import type * as stamp from '../common/contract/stamp';
import type * as notify from '../common/contract/notify';

type Output<S extends z.ZodType> = z.output<S>;
type Input<S extends z.ZodType> = z.input<S>;

// ───────────────────────────── errors ─────────────────────────────

/**
 * The failure categories an operator acts on (Azure Stack's alerts): the five
 * of the best-practices page, and `cannot-write` (the share is reachable and
 * the credentials are accepted, but writes are refused).
 */
export const SHARE_FAILURE_CATEGORIES = ['capacity', 'connectivity', 'path', 'authentication', 'cannot-write', 'general'] as const;
export type ShareFailureCategory = (typeof SHARE_FAILURE_CATEGORIES)[number];

export const ERROR_CODES = [
  /** Input breaks a rule; `field` names the field. CLI exit 2. */
  'invalid-input',
  /** Backup has not been configured yet. */
  'not-configured',
  /** The file share failed; `category` says how. CLI exit 3. */
  'share',
  /** A backup job is already running on this console or holds the share's lock. */
  'backup-running',
  /** A backup, verify or restore failed. CLI exit 4. */
  'backup-failed',
  'verify-failed',
  'restore-failed',
  /** The .pfx, its password or the legacy key does not open the backup. CLI exit 4. */
  'wrong-key',
  /** The settings file on disk is unreadable or invalid; it was kept aside. */
  'settings-corrupt',
  /** The operation was cancelled by the operator. */
  'cancelled',
  /** The operation needs an explicit confirmation (e.g. lowering retention deletes backups). */
  'confirmation-required',
  /** An Azure Stack Hub stamp's admin endpoint or sign-in failed; `category` says how. CLI exit 3. */
  'stamp',
  /** A long-running operation on a stamp (configure, backup, prune) ended failed. CLI exit 4. */
  'operation-failed',
  /** Anything unexpected; details are in the log only. CLI exit 1. */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error shape every front door returns. Never carries a secret or a stack. */
export type ApiError = Output<typeof views.apiError>;

/** IPC and HTTP results are wrapped so errors arrive typed, not as strings. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ───────────────────────────── settings ─────────────────────────────

export type CertificateInfo = Output<typeof views.certificateInfo>;

export type EncryptionView = Output<typeof views.encryptionView>;

export type SettingsView = Output<typeof views.settingsView>;

/**
 * A settings change. Absent fields keep their stored value. `password` and
 * `passwordConfirm` are required together on first save.
 */
export type SettingsInput = Input<typeof inputs.settingsInput>;

export type CertificateHistoryEntry = Output<typeof views.certificateHistoryEntry>;

/** Azure Stack's BackupLocation resource shape, for import/export. */
export type BackupLocationDocument = Output<typeof views.backupLocationDocument>;

// ───────────────────────────── keys ─────────────────────────────

export type GenerateCertificateInput = Input<typeof inputs.generateCertificateInput>;

export type GeneratedCertificate = Output<typeof views.generatedCertificate>;

export type GeneratedLegacyKey = Output<typeof views.generatedLegacyKey>;

// ───────────────────────────── share ─────────────────────────────

/** The connection test's candidate; absent fields are the saved ones (`{}` tests what is saved). */
export type TestShareInput = Input<typeof inputs.testShareInput>;

export type ShareTestResult = Output<typeof views.shareTestResult>;

export type CapacityView = Output<typeof views.capacityView>;

// ───────────────────────────── sources ─────────────────────────────

export type SourceKind = Output<typeof views.sourceKind>;

export type SourceView = Output<typeof views.sourceView>;
export type DeclaredBackupInfo = Output<typeof views.declaredBackupInfo>;

export type AddSourceInput = Input<typeof inputs.addSourceInput>;

// ───────────────────────────── backups ─────────────────────────────

/**
 * How a backup stands (Azure Stack's backup status values). Succeeded,
 * PartialSucceeded and Failed are kept on the share; Running is the job this
 * console is taking now (listed as a row while it runs); Cancelled (the
 * operator or a stopping console cancelled the job) and Skipped (a backup that
 * could not run: paused, disabled, a conflict with an unfinished operation or
 * another console's lock) are outcomes of their own in the history: nothing of
 * them is on the share.
 * `Unknown` is not a backup: an entry under `MASBackup\` that the console does
 * not recognise as one (a link, a file, a folder without a readable manifest or
 * whose manifest names another backup — docs/BACKUP-FORMAT.md, "What is a
 * backup"). It is listed so the operator sees it, with `problem` saying why;
 * retention never deletes it, prune only with the operator's confirmation.
 */
export const BACKUP_STATES = [
  'Queued',
  'Creating',
  'Running',
  'Succeeded',
  'PartialSucceeded',
  'Failed',
  'Cancelled',
  'Skipped',
  'Unknown',
] as const;
export type BackupState = (typeof BACKUP_STATES)[number];
/** A running job: Cancelling from the moment a cancel is accepted until its job-finished. */
export const JOB_STATES = ['Queued', 'Creating', 'Cancelling'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type BackupTrigger = Output<typeof views.backupTrigger>;

export type ComponentStatus = Output<typeof views.componentStatus>;

export type BackupSummary = Output<typeof views.backupSummary>;

export type BackupDetail = Output<typeof views.backupDetail>;

export type JobProgress = Output<typeof views.jobProgress>;

/** Key material to open a backup: used in memory for one operation, never stored. */
export type RecoveryKeyInput = Input<typeof inputs.recoveryKeyInput>;

export type VerifyInput = Input<typeof inputs.verifyInput>;

export type VerifyResult = Output<typeof views.verifyResult>;
export type BackupSigner = Output<typeof views.backupSigner>;

export type RestoreInput = Input<typeof inputs.restoreInput>;

export type RestoreResult = Output<typeof views.restoreResult>;

export type RecoveryKeyCheck = Output<typeof views.recoveryKeyCheck>;

// ───────────────────────────── prune ─────────────────────────────

export type PruneInput = Input<typeof inputs.pruneInput>;
export type PruneItem = Output<typeof views.pruneItem>;
export type PruneResult = Output<typeof views.pruneResult>;
export type OperationProgress = Output<typeof views.operationProgress>;

// ───────────────────────────── retention, schedule ─────────────────────────────

export type RetentionPreview = Output<typeof views.retentionPreview>;

export type ScheduleView = Output<typeof views.scheduleView>;

export type RunOutcome = Output<typeof views.runOutcome>;

export type LastRuns = Output<typeof views.lastRuns>;

// ───────────────────────────── timeline, alerts ─────────────────────────────

export const TIMELINE_KINDS = [
  'run-started',
  'run-finished',
  'slot-skipped',
  'catch-up',
  'retention-deleted',
  'settings-changed',
  'certificate-changed',
  'schedule-changed',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type TimelineEvent = Output<typeof views.timelineEvent>;

export type TimelineQuery = Input<typeof inputs.timelineQuery>;

export const ALERT_KINDS = [
  'capacity',
  'connectivity',
  'path',
  'authentication',
  'cannot-write',
  'general',
  'backup-copy-failed',
  'backup-not-enabled',
  'automatic-backups-disabled',
  'no-recent-backup',
  'capacity-forecast',
  'unconfirmed-recovery-key',
  'retention-delete-failed',
  'legacy-key-deprecated',
  'secret-storage-fallback',
  'foreign-backups',
  'unknown-share-content',
  'unreadable-lock',
  'backups-paused',
  'backup-partially-succeeded',
  'backup-skipped-conflict',
  'share-almost-full',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type Alert = Output<typeof views.alert>;

// ───────────────────────────── app ─────────────────────────────

export type AppInfo = Output<typeof views.appInfo>;

export type EssentialsView = Output<typeof views.essentialsView>;

// ───────────────────────────── an Azure Stack Hub stamp ─────────────────────────────

export type StampConnectInput = Input<typeof stamp.stampConnectInput>;
export type StampConnectionView = Output<typeof stamp.stampConnectionView>;
export type StampSettingsInputValue = Input<typeof stamp.stampSettingsInput>;
export type StampBackupLocationView = Output<typeof stamp.stampBackupLocationView>;
export type StampExternalStoreView = Output<typeof stamp.stampExternalStoreView>;
export type StampBackupView = Output<typeof stamp.stampBackupView>;
export type StampOperationView = Output<typeof stamp.stampOperationView>;
export type StampEssentialsView = Output<typeof stamp.stampEssentialsView>;
export type StampPruneInput = Input<typeof stamp.stampPruneInput>;
export type StampPruneResult = Output<typeof stamp.stampPruneResult>;

// ───────────────────────────── notifications ─────────────────────────────

export type NotificationsView = Output<typeof notify.notificationsView>;
export type EmailNotificationsInput = Input<typeof notify.emailNotificationsInput>;
export type WebhookNotificationsInput = Input<typeof notify.webhookNotificationsInput>;
export type NotificationTestResult = Output<typeof notify.notificationTestResult>;
export type NotifyChannel = NotificationTestResult[number]['channel'];
export type DeliveryStatus = Output<typeof notify.deliveryStatus>;

// ───────────────────────────── the API ─────────────────────────────

type Contract = typeof API_CONTRACT;

/** Every method of the contract: the keys of the schema table (common/contract/methods.ts). */
export type ApiMethod = keyof Contract;
/** What a caller sends. */
export type ApiInput<M extends ApiMethod> = Input<Contract[M]['input']>;
/** What the engine answers. */
export type ApiOutput<M extends ApiMethod> = Output<Contract[M]['result']>;
/** What the engine receives: the input after its schema ran (dispatch passes the parsed value). */
type EngineInput<M extends ApiMethod> = Output<Contract[M]['input']>;

/** The contract as the engine implements it: one function per method, derived from the schemas. */
export type BackupConsoleApi = {
  [M in ApiMethod]: EngineInput<M> extends undefined
    ? () => Promise<ApiOutput<M>>
    : undefined extends EngineInput<M>
      ? (input?: EngineInput<M>) => Promise<ApiOutput<M>>
      : (input: EngineInput<M>) => Promise<ApiOutput<M>>;
};

/**
 * Every method, in one list the sandboxed preload can use at run time without
 * loading zod (it builds one bridge function per name). The compiler holds it
 * to the schema table: a name without a schema is not an ApiMethod, and a
 * method missing here fails `_EveryMethodListed` below, naming the method.
 */
export const API_METHODS = [
  'getAppInfo',
  'getEssentials',
  'getSettings',
  'saveSettings',
  'inspectCertificate',
  'getCertificateHistory',
  'exportSettings',
  'importSettings',
  'clearConfiguration',
  'generateCertificate',
  'generateLegacyKey',
  'testShare',
  'getCapacity',
  'listSources',
  'addSource',
  'removeSource',
  'startBackup',
  'cancelBackup',
  'getActiveJob',
  'listBackups',
  'getBackup',
  'verifyBackup',
  'restoreBackup',
  'checkRecoveryKey',
  'pruneExternalStore',
  'cancelOperation',
  'previewRetention',
  'getSchedule',
  'getLastRuns',
  'setAutomaticBackups',
  'pauseSchedule',
  'resumeSchedule',
  'previewFrequency',
  'getTimeline',
  'listAlerts',
  'stampGetConnection',
  'stampConnect',
  'stampDisconnect',
  'stampGetEssentials',
  'stampSaveSettings',
  'stampSetScheduler',
  'stampStartBackup',
  'stampListOperations',
  'stampListBackups',
  'stampPrune',
  'getNotifications',
  'setEmailNotifications',
  'setWebhookNotifications',
  'setSystemLogNotifications',
  'testNotifications',
] as const satisfies readonly ApiMethod[];

/** Compiles only when `Missing` is empty; the error names what is missing. */
export type AssertNone<Missing extends never> = Missing;
type _EveryMethodListed = AssertNone<Exclude<ApiMethod, (typeof API_METHODS)[number]>>;

/** IPC channel of a method: one namespace, derived, never a scattered string. */
export const ipcChannel = (method: ApiMethod): string => `ibc:${method}`;
export const IPC_EVENT_CHANNEL = 'ibc:event';

// ───────────────────────────── events ─────────────────────────────

export type ApiEvent = Output<typeof apiEvent>;

export type ApiEventType = ApiEvent['type'];

/** The API with results wrapped: what crosses IPC and HTTP (errors stay typed, never thrown across). */
export type ResultApi = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiResult<ApiOutput<M>>> };

export interface PickedFile {
  name: string;
  base64: string;
}

/** Desktop-only facilities the preload adds: native dialogs run in main, which reads/writes the file. */
export const IPC_PICK_FILE_CHANNEL = 'ibc:pick-file';
export const IPC_SAVE_FILE_CHANNEL = 'ibc:save-file';
/** The folder a restore writes into: main shows the dialog and returns the chosen path (null when cancelled). */
export const IPC_PICK_FOLDER_CHANNEL = 'ibc:pick-folder';
export type PickFileKind = 'certificate' | 'pfx';

/** What the preload exposes as `window.backupConsole`: the typed API only, never raw ipcRenderer. */
export interface PreloadBridge {
  api: ResultApi;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  pickFile(kind: PickFileKind): Promise<ApiResult<PickedFile | null>>;
  saveFile(suggestedName: string, base64: string): Promise<ApiResult<boolean>>;
  pickFolder(): Promise<ApiResult<string | null>>;
}
