import { z } from 'zod';
import { TIMELINE_KINDS, type ApiMethod } from '../preload/api';

/**
 * Structural validation of every contract method's input, applied by each
 * front door (IPC, web host) before the engine sees it. Business rules (ranges,
 * UNC forms, password match) live in the settings schema and the engine; this
 * layer rejects wrong shapes, unknown fields and oversized payloads from a
 * compromised or buggy renderer.
 */
const text = (max = 4096) => z.string().max(max);
const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil((maxBytes * 4) / 3) + 4)
    .regex(/^[A-Za-z0-9+/=\r\n-]*$/, 'must be base64');

const recoveryKey = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pfx'), pfxBase64: base64(64 * 1024), password: text(1024) }),
  z.strictObject({ kind: z.literal('legacy-key'), keyBase64: text(1024) }),
]);

const settingsInput = z.strictObject({
  location: text(1024).optional(),
  username: text(512).optional(),
  password: text(1024).optional(),
  passwordConfirm: text(1024).optional(),
  smbPort: z.number().optional(),
  frequencyHours: z.number().optional(),
  retentionDays: z.number().optional(),
  automaticBackups: z.boolean().optional(),
  certificateBase64: base64(64 * 1024).optional(),
  encryptionKeyBase64: text(1024).optional(),
  confirmSwitchToCertificate: z.boolean().optional(),
  confirmRetentionDeletion: z.boolean().optional(),
});

// The BackupLocation document is validated field by field by the settings
// service (with the form's field names); here only its outer shape.
const backupLocationDocument = z.looseObject({ properties: z.looseObject({ externalStoreDefault: z.looseObject({}) }) });

const none = z.undefined();
const backupId = z.string().min(1).max(128);

export const METHOD_INPUT_SCHEMAS = {
  getAppInfo: none,
  getEssentials: none,
  getSettings: none,
  saveSettings: settingsInput,
  inspectCertificate: z.strictObject({ certificateBase64: base64(64 * 1024) }),
  getCertificateHistory: none,
  exportSettings: none,
  importSettings: z.strictObject({ document: backupLocationDocument }),
  generateCertificate: z.strictObject({
    dnsName: text(253),
    years: z.number().optional(),
    pfxPassword: text(1024),
    pfxPasswordConfirm: text(1024),
  }),
  generateLegacyKey: none,
  testShare: none,
  getCapacity: none,
  listSources: none,
  addSource: z.strictObject({
    name: text(64),
    folder: text(4096).optional(),
    command: text(4096).optional(),
    timeoutSeconds: z.number().optional(),
  }),
  removeSource: z.strictObject({ name: text(64) }),
  startBackup: none,
  cancelBackup: none,
  getActiveJob: none,
  listBackups: none,
  getBackup: z.strictObject({ backupId }),
  verifyBackup: z.strictObject({ backupId, key: recoveryKey.optional() }),
  restoreBackup: z.strictObject({ backupId, component: text(64).optional(), targetFolder: text(4096), key: recoveryKey }),
  checkRecoveryKey: z.strictObject({ pfxBase64: base64(64 * 1024), password: text(1024) }),
  previewRetention: z.strictObject({ retentionDays: z.number() }),
  getSchedule: none,
  setAutomaticBackups: z.strictObject({ enabled: z.boolean() }),
  previewFrequency: z.strictObject({ frequencyHours: z.number() }),
  getTimeline: z.strictObject({ kinds: z.array(z.enum(TIMELINE_KINDS)).optional(), limit: z.number().int().min(1).max(10_000).optional() }),
  listAlerts: none,
} satisfies Record<ApiMethod, z.ZodType>;

export type MethodInputIssue = { field: string; message: string };

/** Returns the first problem with a method's input, or null when its shape is valid. */
export function checkMethodInput(method: ApiMethod, input: unknown): MethodInputIssue | null {
  const schema: z.ZodType = METHOD_INPUT_SCHEMAS[method];
  const result = schema.safeParse(input);
  if (result.success) return null;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'input';
  return { field, message: issue ? `${field}: ${issue.message}` : 'invalid input' };
}
