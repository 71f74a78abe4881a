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
 * This file must stay free of runtime imports so that the renderer, the sandboxed
 * preload and the engine can all depend on it.
 */

// ───────────────────────────── errors ─────────────────────────────

/** The five failure categories an operator acts on (Azure Stack's alerts). */
export const SHARE_FAILURE_CATEGORIES = ['capacity', 'connectivity', 'path', 'authentication', 'general'] as const;
export type ShareFailureCategory = (typeof SHARE_FAILURE_CATEGORIES)[number];

export const ERROR_CODES = [
  /** Input breaks a rule; `field` names the field. CLI exit 2. */
  'invalid-input',
  /** The capability exists in the contract but this build does not provide it yet. */
  'not-available-yet',
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
  /** Anything unexpected; details are in the log only. CLI exit 1. */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error shape every front door returns. Never carries a secret or a stack. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  remediation: string;
  field?: string;
  category?: ShareFailureCategory;
}

/** IPC and HTTP results are wrapped so errors arrive typed, not as strings. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ───────────────────────────── settings ─────────────────────────────

export interface CertificateInfo {
  /** SHA-1 of the DER certificate, uppercase hex, as Windows shows it. */
  thumbprint: string;
  thumbprintSha256: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  keyAlgorithm: string;
  keyBits: number;
  /** Non-blocking findings: missing keyEncipherment, expired, not yet valid. */
  warnings: string[];
}

export type EncryptionView =
  | { mode: 'none' }
  | { mode: 'certificate'; certificate: CertificateInfo }
  /** Backwards-compatibility mode: a symmetric key configured before certificates. Deprecated. */
  | { mode: 'legacy-key'; keySet: true; deprecationNotice: string };

export interface SettingsView {
  configured: boolean;
  /** UNC path `\\host\share[\folder…]`, or a local folder (trial use). */
  location: string;
  locationKind: 'smb' | 'local' | 'unset';
  /** Shown when the location is a local folder: it is not a separate device. */
  locationWarning?: string;
  username: string;
  /** The password is write-only: the console only ever says whether one is stored. */
  passwordSet: boolean;
  smbPort: number;
  frequencyHours: number;
  retentionDays: number;
  automaticBackups: boolean;
  encryption: EncryptionView;
}

/**
 * A settings change. Absent fields keep their stored value. `password` and
 * `passwordConfirm` are required together on first save.
 */
export interface SettingsInput {
  location?: string;
  username?: string;
  password?: string;
  passwordConfirm?: string;
  smbPort?: number;
  frequencyHours?: number;
  retentionDays?: number;
  automaticBackups?: boolean;
  /** The .cer/.crt bytes, base64 (DER or PEM). */
  certificateBase64?: string;
  /** Replace the legacy key (backwards-compatibility mode only). */
  encryptionKeyBase64?: string;
  /** Required when switching from a legacy key to a certificate (one-way). */
  confirmSwitchToCertificate?: boolean;
  /** Required when a lower retention period would delete existing backups. */
  confirmRetentionDeletion?: boolean;
}

export interface CertificateHistoryEntry {
  thumbprint: string;
  subject: string;
  notAfter: string;
  firstUsed: string;
  lastUsed: string;
  current: boolean;
  /** Backups on the share that only this certificate's .pfx can open. */
  backupIds: string[];
  /** The operator proved they hold the matching .pfx ("Check my recovery key"). */
  pfxConfirmed: boolean;
}

/** Azure Stack's BackupLocation resource shape, for import/export. */
export interface BackupLocationDocument {
  properties: {
    externalStoreDefault: {
      path: string;
      userName: string;
      password: string | null;
      encryptionCertBase64?: string | null;
      encryptionCertThumbprint?: string | null;
      encryptionKeyBase64?: string | null;
      isBackupSchedulerEnabled: boolean;
      backupFrequencyInHours: number;
      backupRetentionPeriodInDays: number;
    };
  };
}

// ───────────────────────────── keys ─────────────────────────────

export interface GenerateCertificateInput {
  dnsName: string;
  years?: number;
  pfxPassword: string;
  pfxPasswordConfirm: string;
}

export interface GeneratedCertificate {
  certificate: CertificateInfo;
  /** DER, public part only: this is what the console is configured with. */
  cerBase64: string;
  /** Password-protected PKCS#12: keep it safe and off the station; needed to restore. */
  pfxBase64: string;
  suggestedFileBase: string;
}

export interface GeneratedLegacyKey {
  /** Base64 of 32 random bytes. Shown once; the console does not keep it unless saved. */
  keyBase64: string;
}

// ───────────────────────────── share ─────────────────────────────

export interface ShareTestResult {
  reachable: boolean;
  authenticated: boolean;
  writable: boolean;
  /** e.g. "SMB3_11"; null for a local folder. */
  dialect: string | null;
  encrypted: boolean;
  freeBytes: number | null;
  totalBytes: number | null;
  /** One line per step, for the operator. */
  steps: Array<{ step: string; ok: boolean; detail: string }>;
  /** The first failure (category and remediation), absent when every step passed. */
  failure?: ApiError;
}

export interface CapacityView {
  freeBytes: number | null;
  totalBytes: number | null;
  measuredAt: string | null;
}

// ───────────────────────────── sources ─────────────────────────────

export type SourceKind = 'folder' | 'command' | 'sample';

export interface SourceView {
  name: string;
  kind: SourceKind;
  /** Folder path or command line (never contains secrets; commands must not embed any). */
  detail: string;
  timeoutSeconds?: number;
  /** True for the bundled sample stamp used when no sources are defined. */
  builtIn: boolean;
}

export interface AddSourceInput {
  name: string;
  folder?: string;
  command?: string;
  timeoutSeconds?: number;
}

// ───────────────────────────── backups ─────────────────────────────

export const BACKUP_STATES = ['Queued', 'Creating', 'Succeeded', 'PartialSucceeded', 'Failed'] as const;
export type BackupState = (typeof BACKUP_STATES)[number];
export type BackupTrigger = 'scheduled' | 'on-demand' | 'catch-up';

export interface ComponentStatus {
  name: string;
  state: 'Succeeded' | 'Failed' | 'Skipped';
  sourceBytes: number;
  storedBytes: number;
  error?: string;
}

export interface BackupSummary {
  backupId: string;
  createdAt: string;
  completedAt: string | null;
  state: BackupState;
  trigger: BackupTrigger;
  sizeBytes: number;
  certificateThumbprint: string | null;
  encryptionMode: 'certificate' | 'legacy-key';
  recoveryReady: boolean;
  /** When retention will delete it (null for the newest successful backup, which is always kept). */
  expiresAt: string | null;
}

export interface BackupDetail extends BackupSummary {
  durationSeconds: number | null;
  components: ComponentStatus[];
}

export interface JobProgress {
  jobId: string;
  backupId: string;
  trigger: BackupTrigger;
  state: BackupState;
  component: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  startedAt: string;
}

/** Key material to open a backup: used in memory for one operation, never stored. */
export type RecoveryKeyInput = { kind: 'pfx'; pfxBase64: string; password: string } | { kind: 'legacy-key'; keyBase64: string };

export interface VerifyInput {
  backupId: string;
  /** Absent: verify without the private key (sizes, hashes, structure). Present: deep verify. */
  key?: RecoveryKeyInput;
}

export interface VerifyResult {
  backupId: string;
  deep: boolean;
  ok: boolean;
  components: Array<{ name: string; ok: boolean; detail: string }>;
}

export interface RestoreInput {
  backupId: string;
  /** Empty or absent: every component. */
  component?: string;
  /** An empty (or absent) local folder; nothing is written outside it. */
  targetFolder: string;
  key: RecoveryKeyInput;
}

export interface RestoreResult {
  backupId: string;
  targetFolder: string;
  components: Array<{ name: string; files: number; bytes: number }>;
}

export interface RecoveryKeyCheck {
  matchesCurrentCertificate: boolean;
  thumbprint: string | null;
  opensNewestBackup: boolean | null;
  detail: string;
}

// ───────────────────────────── retention, schedule ─────────────────────────────

export interface RetentionPreview {
  retentionDays: number;
  /** Exactly the backups that would be deleted, like pruneExternalStore DryRun. */
  toDelete: Array<{ backupId: string; completedAt: string | null; state: BackupState }>;
  /** Kept although older than the period: the newest successful backup. */
  keptNewestSuccessful: string | null;
}

export interface ScheduleView {
  enabled: boolean;
  /** Disabled since (for the informational alert). */
  disabledSince: string | null;
  frequencyHours: number;
  anchor: string | null;
  nextBackupTime: string | null;
  lastBackupTime: string | null;
  upcoming: string[];
}

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

export interface TimelineEvent {
  id: string;
  at: string;
  kind: TimelineKind;
  summary: string;
  trigger?: BackupTrigger;
  backupId?: string;
  state?: BackupState;
  durationSeconds?: number;
  category?: ShareFailureCategory;
  reason?: string;
}

export interface TimelineQuery {
  kinds?: TimelineKind[];
  limit?: number;
}

export const ALERT_KINDS = [
  'capacity',
  'connectivity',
  'path',
  'authentication',
  'general',
  'automatic-backups-disabled',
  'no-recent-backup',
  'capacity-forecast',
  'unconfirmed-recovery-key',
  'retention-delete-failed',
  'legacy-key-deprecated',
  'secret-storage-fallback',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  id: string;
  kind: AlertKind;
  severity: 'critical' | 'warning' | 'informational';
  title: string;
  remediation: string;
  raisedAt: string;
  detail?: string;
}

// ───────────────────────────── app ─────────────────────────────

export interface AppInfo {
  productName: string;
  version: string;
  frontDoor: 'desktop' | 'web' | 'cli';
  configDir: string;
  /** How the share password is protected at rest, in one sentence. */
  secretStorage: string;
  /** Startup findings the operator should see (e.g. settings file kept aside). */
  notices: string[];
}

export interface EssentialsView {
  settings: SettingsView;
  schedule: ScheduleView;
  capacity: CapacityView;
  lastBackup: BackupSummary | null;
  activeJob: JobProgress | null;
  alertCount: number;
}

// ───────────────────────────── the API ─────────────────────────────

export interface BackupConsoleApi {
  getAppInfo(): Promise<AppInfo>;
  getEssentials(): Promise<EssentialsView>;

  // settings & certificates
  getSettings(): Promise<SettingsView>;
  saveSettings(input: SettingsInput): Promise<SettingsView>;
  inspectCertificate(input: { certificateBase64: string }): Promise<CertificateInfo>;
  getCertificateHistory(): Promise<CertificateHistoryEntry[]>;
  exportSettings(): Promise<BackupLocationDocument>;
  importSettings(input: { document: BackupLocationDocument }): Promise<SettingsView>;

  // key tooling (offline)
  generateCertificate(input: GenerateCertificateInput): Promise<GeneratedCertificate>;
  generateLegacyKey(): Promise<GeneratedLegacyKey>;

  // share
  testShare(): Promise<ShareTestResult>;
  getCapacity(): Promise<CapacityView>;

  // sources
  listSources(): Promise<SourceView[]>;
  addSource(input: AddSourceInput): Promise<SourceView[]>;
  removeSource(input: { name: string }): Promise<SourceView[]>;

  // backups
  startBackup(): Promise<JobProgress>;
  cancelBackup(): Promise<void>;
  getActiveJob(): Promise<JobProgress | null>;
  listBackups(): Promise<BackupSummary[]>;
  getBackup(input: { backupId: string }): Promise<BackupDetail>;
  verifyBackup(input: VerifyInput): Promise<VerifyResult>;
  restoreBackup(input: RestoreInput): Promise<RestoreResult>;
  checkRecoveryKey(input: { pfxBase64: string; password: string }): Promise<RecoveryKeyCheck>;

  // retention & schedule
  previewRetention(input: { retentionDays: number }): Promise<RetentionPreview>;
  getSchedule(): Promise<ScheduleView>;
  setAutomaticBackups(input: { enabled: boolean }): Promise<ScheduleView>;
  previewFrequency(input: { frequencyHours: number }): Promise<ScheduleView>;

  // timeline & alerts
  getTimeline(input: TimelineQuery): Promise<TimelineEvent[]>;
  listAlerts(): Promise<Alert[]>;
}

export type ApiMethod = keyof BackupConsoleApi;
export type ApiInput<M extends ApiMethod> = Parameters<BackupConsoleApi[M]> extends [infer I] ? I : undefined;
export type ApiOutput<M extends ApiMethod> = Awaited<ReturnType<BackupConsoleApi[M]>>;

/** Every method, in one list: IPC channels and HTTP routes are derived from it. */
export const API_METHODS = [
  'getAppInfo',
  'getEssentials',
  'getSettings',
  'saveSettings',
  'inspectCertificate',
  'getCertificateHistory',
  'exportSettings',
  'importSettings',
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
  'previewRetention',
  'getSchedule',
  'setAutomaticBackups',
  'previewFrequency',
  'getTimeline',
  'listAlerts',
] as const satisfies readonly ApiMethod[];

/** IPC channel of a method: one namespace, derived, never a scattered string. */
export const ipcChannel = (method: ApiMethod): string => `ibc:${method}`;
export const IPC_EVENT_CHANNEL = 'ibc:event';

// ───────────────────────────── events ─────────────────────────────

export type ApiEvent =
  | { type: 'job-progress'; progress: JobProgress }
  | { type: 'job-finished'; backup: BackupSummary | null; error: ApiError | null }
  | { type: 'settings-changed'; settings: SettingsView }
  | { type: 'schedule-changed'; schedule: ScheduleView }
  | { type: 'alerts-changed'; alerts: Alert[] }
  | { type: 'timeline-appended'; event: TimelineEvent }
  /** Desktop: the engine's process died and was started again; `notice` is what the window shows. */
  | { type: 'engine-restarted'; notice: ApiError; interruptedBackupId: string | null };

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
export type PickFileKind = 'certificate' | 'pfx';

/** What the preload exposes as `window.backupConsole`: the typed API only, never raw ipcRenderer. */
export interface PreloadBridge {
  api: ResultApi;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  pickFile(kind: PickFileKind): Promise<ApiResult<PickedFile | null>>;
  saveFile(suggestedName: string, base64: string): Promise<ApiResult<boolean>>;
}
