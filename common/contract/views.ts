/**
 * What the engine answers: the result schema of every contract method. The
 * TypeScript types in preload/api.ts are inferred from these, so a result's
 * shape is written once. Results are not re-validated at run time (the engine
 * builds them); test/unit/contract/results.test.ts runs each method's real
 * result through its schema.
 */
import { z } from 'zod';
import { ALERT_KINDS, BACKUP_STATES, ERROR_CODES, JOB_STATES, SHARE_FAILURE_CATEGORIES, TIMELINE_KINDS } from '../../preload/api';
import { backupLocationDocumentSchema } from '../settings-schema';

const timestamp = z.string();

// ───────────────────────────── errors ─────────────────────────────

export const shareFailureCategory = z.enum(SHARE_FAILURE_CATEGORIES);

/** The error shape every front door returns. Never carries a secret or a stack. */
export const apiError = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  remediation: z.string(),
  field: z.string().optional(),
  category: shareFailureCategory.optional(),
});

// ───────────────────────────── settings ─────────────────────────────

export const certificateInfo = z.strictObject({
  /** SHA-1 of the DER certificate, uppercase hex, as Windows shows it. */
  thumbprint: z.string(),
  thumbprintSha256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notBefore: timestamp,
  notAfter: timestamp,
  keyAlgorithm: z.string(),
  keyBits: z.number(),
  /** Non-blocking findings: missing keyEncipherment, expired, not yet valid. */
  warnings: z.array(z.string()),
});

export const encryptionView = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('certificate'), certificate: certificateInfo }),
  /** Backwards-compatibility mode: a symmetric key configured before certificates. Deprecated. */
  z.strictObject({ mode: z.literal('legacy-key'), keySet: z.literal(true), deprecationNotice: z.string() }),
]);

export const settingsView = z.strictObject({
  configured: z.boolean(),
  /** UNC path `\\host\share[\folder…]`, or a local folder (trial use). */
  location: z.string(),
  locationKind: z.enum(['smb', 'local', 'unset']),
  /** Shown when the location is a local folder: it is not a separate device. */
  locationWarning: z.string().optional(),
  username: z.string(),
  /** The password is write-only: the console only ever says whether one is stored. */
  passwordSet: z.boolean(),
  smbPort: z.number(),
  frequencyHours: z.number(),
  retentionDays: z.number(),
  /** Percent of the share's capacity in use at which "almost full" is raised. */
  almostFullPercent: z.number(),
  automaticBackups: z.boolean(),
  encryption: encryptionView,
  /** The public half of the station key that signs this console's backups (base64 of 32 bytes); null until configured. */
  signingPublicKey: z.string().nullable(),
});

export const certificateHistoryEntry = z.strictObject({
  thumbprint: z.string(),
  subject: z.string(),
  notAfter: timestamp,
  firstUsed: timestamp,
  lastUsed: timestamp,
  current: z.boolean(),
  /** Backups on the share that only this certificate's .pfx can open. */
  backupIds: z.array(z.string()),
  /** The operator proved they hold the matching .pfx ("Check my recovery key"). */
  pfxConfirmed: z.boolean(),
  /** Station signing keys (public) that signed backups encrypted to this certificate. */
  signingPublicKeys: z.array(z.string()),
});

/** Azure Stack's BackupLocation resource shape, for import/export (one schema: common/settings-schema.ts). */
export const backupLocationDocument = backupLocationDocumentSchema;

// ───────────────────────────── keys ─────────────────────────────

export const generatedCertificate = z.strictObject({
  certificate: certificateInfo,
  /** DER, public part only: this is what the console is configured with. */
  cerBase64: z.string(),
  /** Password-protected PKCS#12: keep it safe and off the station; needed to restore. */
  pfxBase64: z.string(),
  suggestedFileBase: z.string(),
});

export const generatedLegacyKey = z.strictObject({
  /** Base64 of 32 random bytes. Shown once; the console does not keep it unless saved. */
  keyBase64: z.string(),
});

// ───────────────────────────── share ─────────────────────────────

export const shareTestResult = z.strictObject({
  /** The location that was tested, as `\\host\share\folder` (with " (port N)" when not 445): the one given, never another. */
  location: z.string(),
  reachable: z.boolean(),
  authenticated: z.boolean(),
  writable: z.boolean(),
  /** e.g. "SMB3_11"; null for a local folder. */
  dialect: z.string().nullable(),
  encrypted: z.boolean(),
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  /** One line per step, for the operator. */
  steps: z.array(z.strictObject({ step: z.string(), ok: z.boolean(), detail: z.string() })),
  /** The first failure (category and remediation), absent when every step passed. */
  failure: apiError.optional(),
});

/**
 * The share's free capacity as last read, and when. After a failed reading the
 * figures are unknown (null) and `readFailure` says why — never an older
 * figure shown as if it were current.
 */
export const capacityView = z.strictObject({
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  /** When the figures were read; null when they are unknown. */
  measuredAt: timestamp.nullable(),
  /** The last reading failed (e.g. the share is unreachable): when, and how. */
  readFailure: z.strictObject({ at: timestamp, message: z.string(), category: shareFailureCategory.optional() }).nullable(),
});

// ───────────────────────────── sources ─────────────────────────────

export const sourceKind = z.enum(['folder', 'command', 'sample']);

const declaredField = z.string().trim().min(1).max(256);

/**
 * What a source may declare about the stamp it backs up, under Azure Stack's
 * backupInfo names: a folder in its `backup-info.json`, a command source in
 * sources.json (`sources add … --stamp-version …`). Carried into the backup's
 * manifest; backupDataVersion, when not declared, is the console's format version.
 */
export const declaredBackupInfo = z.object({
  backupDataVersion: declaredField.optional(),
  stampVersion: declaredField.optional(),
  deploymentID: declaredField.optional(),
  oemVersion: declaredField.optional(),
});

export const sourceView = z.strictObject({
  name: z.string(),
  kind: sourceKind,
  /** Folder path or command line (never contains secrets; commands must not embed any). */
  detail: z.string(),
  timeoutSeconds: z.number().optional(),
  /** A command source's declared backupInfo facts (a folder's are in its backup-info.json). */
  backupInfo: declaredBackupInfo.optional(),
  /** True for the bundled sample stamp used when no sources are defined. */
  builtIn: z.boolean(),
});

// ───────────────────────────── backups ─────────────────────────────

export const backupState = z.enum(BACKUP_STATES);
export const backupTrigger = z.enum(['scheduled', 'on-demand', 'catch-up']);

export const componentStatus = z.strictObject({
  name: z.string(),
  state: z.enum(['Succeeded', 'Failed', 'Skipped']),
  sourceBytes: z.number(),
  storedBytes: z.number(),
  error: z.string().optional(),
});

/** Azure Stack's backupInfo fields for one backup (null: not recorded — a source declared none, or an older backup). */
export const backupInfo = z.strictObject({
  backupDataVersion: z.string().nullable(),
  stampVersion: z.string().nullable(),
  deploymentID: z.string().nullable(),
  oemVersion: z.string().nullable(),
  /** ISO-8601 duration, e.g. PT20M48.59S. */
  timeTakenToCreate: z.string().nullable(),
  /** One per component (Azure Stack's roles). */
  roleStatus: z.array(z.strictObject({ roleName: z.string(), status: z.enum(['Succeeded', 'Failed', 'Skipped']) })),
});

export const backupSummary = z.strictObject({
  backupId: z.string(),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
  state: backupState,
  trigger: backupTrigger,
  sizeBytes: z.number(),
  certificateThumbprint: z.string().nullable(),
  encryptionMode: z.enum(['certificate', 'legacy-key']),
  recoveryReady: z.boolean(),
  /**
   * When retention will delete it: null for the backup kept as the newest
   * successful one of its certificate, for backups encrypted to a certificate
   * or key this console does not know (never deleted), and for Unknown entries.
   */
  expiresAt: timestamp.nullable(),
  /** Backwards-compatibility mode: the id of the legacy key it was made with (the certificate's thumbprint is null). */
  legacyKeyId: z.string().optional(),
  /** The public key (base64) of the station whose signature on the manifest verifies; null or absent when unsigned. */
  signedBy: z.string().nullable().optional(),
  /**
   * State Unknown only: why this entry is not a backup. For an Unknown entry
   * `backupId` is the name on the share (escape it before printing), and only
   * `createdAt` (from the name, when it has one) besides means anything.
   */
  problem: z.string().optional(),
  /** Present while retention is deleting it (between backups-deleting and backups-deleted). */
  deleting: z.literal(true).optional(),
  /** Why it did not run (Skipped rows, from this console's history). */
  reason: z.string().optional(),
  /** Azure Stack's backupInfo fields: for backups on the share (not Running, Skipped or Unknown rows). */
  backupInfo: backupInfo.optional(),
});

export const backupDetail = backupSummary.extend({
  durationSeconds: z.number().nullable(),
  components: z.array(componentStatus),
  backupInfo,
});

export const jobProgress = z.strictObject({
  jobId: z.string(),
  backupId: z.string(),
  trigger: backupTrigger,
  state: z.enum(JOB_STATES),
  component: z.string().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  startedAt: timestamp,
});

/** A verify or restore under way: bytes read from the share so far, of the total it will read. */
export const operationProgress = z.strictObject({
  operationId: z.string(),
  kind: z.enum(['verify', 'restore']),
  backupId: z.string(),
  component: z.string().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});

/** Who wrote a backup (docs/BACKUP-FORMAT.md § What verify proves). */
export const backupSigner = z.strictObject({
  status: z.enum(['this-console', 'trusted-key', 'unknown-key', 'bad-signature', 'unsigned-before-signing', 'unsigned']),
  /** The signer's public key (base64 of 32 bytes), when the backup is signed. */
  publicKey: z.string().nullable(),
  /** One sentence for the operator: "signed by this console", "signed by an unknown key …", … */
  detail: z.string(),
});

export const verifyResult = z.strictObject({
  backupId: z.string(),
  deep: z.boolean(),
  ok: z.boolean(),
  signer: backupSigner,
  components: z.array(z.strictObject({ name: z.string(), ok: z.boolean(), detail: z.string() })),
});

export const restoreResult = z.strictObject({
  backupId: z.string(),
  targetFolder: z.string(),
  signer: backupSigner,
  components: z.array(z.strictObject({ name: z.string(), files: z.number(), bytes: z.number() })),
});

export const recoveryKeyCheck = z.strictObject({
  matchesCurrentCertificate: z.boolean(),
  thumbprint: z.string().nullable(),
  opensNewestBackup: z.boolean().nullable(),
  detail: z.string(),
});

// ───────────────────────────── prune ─────────────────────────────

/** One entry under MASBackup\ that is not a complete backup, and what prune does (or would do) with it. */
export const pruneItem = z.strictObject({
  /** Its name under MASBackup\, as the share reports it (escape it before printing). */
  name: z.string(),
  /** partial: an unfinished backup; deleting: a deletion that did not finish; temporary: a write that never finished; lock: the share lock's files; unknown: anything else. */
  kind: z.enum(['partial', 'deleting', 'temporary', 'lock', 'unknown']),
  /** What it is, in the operator's words. */
  reason: z.string(),
  /** DryRun: would-remove or kept. Default: removed, kept or failed. */
  action: z.enum(['would-remove', 'removed', 'kept', 'failed']),
  /** Why it is kept, or why removing it failed. */
  detail: z.string().optional(),
});

export const pruneResult = z.strictObject({
  operation: z.enum(['DryRun', 'Default']),
  items: z.array(pruneItem),
  /** Entries this run did not examine (one listing looks at a bounded number): run prune again for them. */
  notExamined: z.number(),
});

// ───────────────────────────── retention, schedule ─────────────────────────────

export const retentionPreview = z.strictObject({
  retentionDays: z.number(),
  /** Exactly the backups that would be deleted, like pruneExternalStore DryRun. */
  toDelete: z.array(z.strictObject({ backupId: z.string(), completedAt: timestamp.nullable(), state: backupState })),
  /** Kept although older than the period: the newest successful backup (of the newest key, when several are kept). */
  keptNewestSuccessful: z.string().nullable(),
  /**
   * Every backup older than the period that is kept, and why: the newest
   * successful backup of each certificate or key this console knows, and the
   * backups of keys it does not know (another console's: never deleted).
   */
  kept: z.array(z.strictObject({ backupId: z.string(), reason: z.string() })),
});

export const scheduleView = z.strictObject({
  enabled: z.boolean(),
  /** Disabled since (for the informational alert). */
  disabledSince: timestamp.nullable(),
  frequencyHours: z.number(),
  anchor: timestamp.nullable(),
  nextBackupTime: timestamp.nullable(),
  upcoming: z.array(timestamp),
  /** A maintenance pause: until when, and why (null when not paused; a pause ends by itself at `until`). */
  pause: z.strictObject({ since: timestamp, until: timestamp, reason: z.string() }).nullable(),
});

/** How one backup run ended (from the run log: this console's runs, kept across restarts). */
export const runOutcome = z.strictObject({
  backupId: z.string(),
  trigger: backupTrigger,
  state: backupState,
  finishedAt: timestamp,
  /** Why it failed or was cancelled, in the operator's words. */
  reason: z.string().optional(),
  category: shareFailureCategory.optional(),
  /** It failed while backup data was being copied to the share (after the first byte). */
  failedDuringCopy: z.boolean().optional(),
});

/** The last successful backup and the last attempt, whatever its outcome: two facts, shown apart. */
export const lastRuns = z.strictObject({
  lastSuccessfulBackup: runOutcome.nullable(),
  lastAttempt: runOutcome.nullable(),
});

// ───────────────────────────── timeline, alerts ─────────────────────────────

export const timelineKind = z.enum(TIMELINE_KINDS);

export const timelineEvent = z.strictObject({
  id: z.string(),
  at: timestamp,
  kind: timelineKind,
  summary: z.string(),
  trigger: backupTrigger.optional(),
  backupId: z.string().optional(),
  state: backupState.optional(),
  durationSeconds: z.number().optional(),
  category: shareFailureCategory.optional(),
  reason: z.string().optional(),
  /** A run that failed while backup data was being copied to the share (after the first byte). */
  failedDuringCopy: z.boolean().optional(),
  /** On run-started: the process running it (`host:pid`), so a later start can tell a run cut off by a crash. */
  owner: z.string().optional(),
});

export const alert = z.strictObject({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(['critical', 'warning', 'informational']),
  title: z.string(),
  remediation: z.string(),
  raisedAt: timestamp,
  detail: z.string().optional(),
});

// ───────────────────────────── app ─────────────────────────────

export const appInfo = z.strictObject({
  productName: z.string(),
  version: z.string(),
  frontDoor: z.enum(['desktop', 'web', 'cli']),
  configDir: z.string(),
  /** How the share password is protected at rest, in one sentence. */
  secretStorage: z.string(),
  /** How this station writes a local folder location (`D:\\Backups` on Windows, `/srv/backups` elsewhere): the form refuses the other, as the engine does. */
  localPathStyle: z.enum(['windows', 'posix']),
  /** Startup findings the operator should see (e.g. settings file kept aside). */
  notices: z.array(z.string()),
});

export const essentialsView = z.strictObject({
  settings: settingsView,
  schedule: scheduleView,
  capacity: capacityView,
  ...lastRuns.shape,
  activeJob: jobProgress.nullable(),
  alertCount: z.number(),
});

/** A row of the backup list that is a backup on the share (verify, restore and details apply; retention may keep or delete it). */
export function isStoredBackup(state: z.output<typeof backupState>): boolean {
  return state === 'Succeeded' || state === 'PartialSucceeded';
}
