/**
 * The contract, written once: every method of the product with the schema of
 * its input and of its result, and the events. preload/api.ts infers every
 * type from this table (`ApiMethod` is its keys), so a method cannot exist
 * without its schemas, and the engine, the IPC layer, the web host, the CLI
 * and the renderer all follow from it.
 */
import { z } from 'zod';
import * as input from './inputs';
import * as view from './views';
import { STAMP_CONTRACT, stampEvents } from './stamp';
import { NOTIFY_CONTRACT } from './notify';

const method = <I extends z.ZodType, R extends z.ZodType>(inputSchema: I, result: R) => ({ input: inputSchema, result });

export const API_CONTRACT = {
  getAppInfo: method(input.none, view.appInfo),
  getEssentials: method(input.none, view.essentialsView),

  // settings & certificates
  getSettings: method(input.none, view.settingsView),
  saveSettings: method(input.settingsInput, view.settingsView),
  inspectCertificate: method(input.inspectCertificateInput, view.certificateInfo),
  getCertificateHistory: method(input.none, z.array(view.certificateHistoryEntry)),
  exportSettings: method(input.none, view.backupLocationDocument),
  importSettings: method(input.importSettingsInput, view.settingsView),
  clearConfiguration: method(input.clearConfigurationInput, view.settingsView),

  // key tooling (offline)
  generateCertificate: method(input.generateCertificateInput, view.generatedCertificate),
  generateLegacyKey: method(input.none, view.generatedLegacyKey),

  // share
  testShare: method(input.testShareInput, view.shareTestResult),
  getCapacity: method(input.none, view.capacityView),

  // sources
  listSources: method(input.none, z.array(view.sourceView)),
  addSource: method(input.addSourceInput, z.array(view.sourceView)),
  removeSource: method(input.sourceNameInput, z.array(view.sourceView)),

  // backups
  startBackup: method(input.startBackupInput, view.jobProgress),
  cancelBackup: method(input.none, z.void()),
  getActiveJob: method(input.none, view.jobProgress.nullable()),
  listBackups: method(input.none, z.array(view.backupSummary)),
  getBackup: method(input.backupIdInput, view.backupDetail),
  verifyBackup: method(input.verifyInput, view.verifyResult),
  restoreBackup: method(input.restoreInput, view.restoreResult),
  checkRecoveryKey: method(input.checkRecoveryKeyInput, view.recoveryKeyCheck),
  pruneExternalStore: method(input.pruneInput, view.pruneResult),
  /** Stops a verify or restore started with that operationId; the operation then fails with 'cancelled'. */
  cancelOperation: method(input.operationIdInput, z.void()),

  // retention & schedule
  previewRetention: method(input.retentionDaysInput, view.retentionPreview),
  getSchedule: method(input.none, view.scheduleView),
  getLastRuns: method(input.none, view.lastRuns),
  setAutomaticBackups: method(input.automaticBackupsInput, view.scheduleView),
  pauseSchedule: method(input.pauseScheduleInput, view.scheduleView),
  resumeSchedule: method(input.none, view.scheduleView),
  previewFrequency: method(input.frequencyHoursInput, view.scheduleView),

  // timeline & alerts
  getTimeline: method(input.timelineQuery, z.array(view.timelineEvent)),
  listAlerts: method(input.none, z.array(view.alert)),

  // an Azure Stack Hub stamp's own infrastructure backup (common/contract/stamp.ts)
  ...STAMP_CONTRACT,

  // notifications: email, webhook, system log (common/contract/notify.ts)
  ...NOTIFY_CONTRACT,
};

/** What the engine pushes to every front door (IPC event channel, HTTP event stream). */
export const apiEvent = z.discriminatedUnion('type', [
  /** A job was accepted and will run; its first progress. Followed by job-progress events and exactly one job-finished. */
  z.strictObject({ type: z.literal('job-started'), progress: view.jobProgress }),
  z.strictObject({ type: z.literal('job-progress'), progress: view.jobProgress }),
  /**
   * The job `jobId` ended: its backup as recorded, and the failure (null when
   * it succeeded). `failedDuringCopy`: it failed while backup data was being
   * copied to the share (after its first byte), not before.
   */
  z.strictObject({
    type: z.literal('job-finished'),
    jobId: z.string(),
    backup: view.backupSummary.nullable(),
    error: view.apiError.nullable(),
    failedDuringCopy: z.boolean().optional(),
  }),
  /** Retention started deleting these backups (the list shows them as deleting until backups-deleted). */
  z.strictObject({ type: z.literal('backups-deleting'), backupIds: z.array(z.string()) }),
  /** Retention finished: `backupIds` are gone from the share; `failed` could not be deleted (an alert says why). */
  z.strictObject({ type: z.literal('backups-deleted'), backupIds: z.array(z.string()), failed: z.array(z.string()) }),
  z.strictObject({ type: z.literal('operation-progress'), progress: view.operationProgress }),
  z.strictObject({ type: z.literal('settings-changed'), settings: view.settingsView }),
  z.strictObject({ type: z.literal('schedule-changed'), schedule: view.scheduleView }),
  z.strictObject({ type: z.literal('alerts-changed'), alerts: z.array(view.alert) }),
  /** The share's free capacity was read (or could not be): Essentials shows it without asking again. */
  z.strictObject({ type: z.literal('capacity-changed'), capacity: view.capacityView }),
  /**
   * An event joined the timeline. `recordedElsewhere`: another process on this station recorded it
   * (a CLI backup beside a running console) — what follows from the last runs (Essentials, the
   * backup list) may have changed without a job event here.
   */
  z.strictObject({ type: z.literal('timeline-appended'), event: view.timelineEvent, recordedElsewhere: z.literal(true).optional() }),
  // Desktop: the engine's process died and was started again; `notice` is what the window shows.
  z.strictObject({ type: z.literal('engine-restarted'), notice: view.apiError, interruptedBackupId: z.string().nullable() }),
  ...stampEvents,
]);

export type ContractMethod = keyof typeof API_CONTRACT;

export type MethodInputCheck = { ok: true; value: unknown } | { ok: false; field: string; message: string };

/**
 * Runs a method's input through its schema. Returns the parsed value (the
 * engine receives that, trimmed where the schema trims), or the first problem:
 * a rule's own operator message, or a structural fault named by its field.
 */
export function parseMethodInput(name: ContractMethod, value: unknown): MethodInputCheck {
  const schema: z.ZodType = API_CONTRACT[name].input;
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
  if (!issue) return { ok: false, field, message: 'Invalid request.' };
  // Custom issues carry a rule's message written for the operator; zod's own say what broke structurally.
  const message = issue.code === 'custom' ? issue.message : `Invalid request: ${field}: ${issue.message}.`;
  return { ok: false, field, message };
}
