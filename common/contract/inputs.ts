/**
 * What a caller may send: the input schema of every contract method. Each
 * front door runs these (through `dispatch`) before the engine sees a
 * request, rejecting wrong shapes, unknown fields and oversized payloads from
 * a compromised or buggy renderer. Rules that need the stored configuration
 * (first save, password match, legacy key → certificate) live in
 * `validateSettingsInput` and the engine; context-free rules (a DNS name, a
 * .pfx password's length) live in the schema itself.
 */
import { z } from 'zod';
import { TIMELINE_KINDS } from '../../preload/api';
import {
  frequencyHoursSchema,
  generateCertificateInputSchema,
  inspectCertificateInputSchema,
  retentionDaysSchema,
  settingsInputSchema,
} from '../settings-schema';
import { backupLocationDocument } from './views';

const text = (max = 4096) => z.string().max(max);
const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil((maxBytes * 4) / 3) + 4)
    .regex(/^[A-Za-z0-9+/=\r\n-]*$/, 'must be base64');

/** Methods without input: nothing may be sent. */
export const none = z.undefined();

/** One definition, with its per-field rules, in common/settings-schema.ts. */
export const settingsInput = settingsInputSchema;
export const inspectCertificateInput = inspectCertificateInputSchema;
export const generateCertificateInput = generateCertificateInputSchema;

function isDocumentShaped(value: unknown): boolean {
  const properties = (value as { properties?: { externalStoreDefault?: unknown } } | null)?.properties;
  return typeof properties?.externalStoreDefault === 'object' && properties.externalStoreDefault !== null;
}

// The document's fields are checked by the settings service, which names the
// form field at fault (frequencyHours, not properties.externalStoreDefault.backupFrequencyInHours).
export const importSettingsInput = z.strictObject({
  document: z.custom<z.output<typeof backupLocationDocument>>(isDocumentShaped, {
    error: 'must be a BackupLocation document: { "properties": { "externalStoreDefault": { … } } }',
  }),
});

/**
 * Folders only. A command source runs a shell command as the console's user,
 * so it is added on the station (`infra-backup sources add NAME --command CMD`),
 * never through this contract: neither the window nor the web host can add one.
 */
export const addSourceInput = z.strictObject({
  name: text(64),
  folder: text(4096),
  command: z
    .never({
      error:
        'command sources run shell commands as the console user and are added on the station only: infra-backup sources add NAME --command CMD',
    })
    .optional(),
});

export const sourceNameInput = z.strictObject({ name: text(64) });

/**
 * What `testShare` tests: the location, account, password and port as typed
 * (before the first save, or without saving). Each absent field is the saved
 * one — `{}` tests what is saved; an absent password is the stored password.
 * The same per-field rules as saving.
 */
export const testShareInput = z.strictObject({
  location: settingsInputSchema.shape.location,
  username: settingsInputSchema.shape.username,
  password: settingsInputSchema.shape.password,
  smbPort: settingsInputSchema.shape.smbPort,
});

const backupId = z.string().min(1).max(128);

export const backupIdInput = z.strictObject({ backupId });

/** Key material to open a backup: used in memory for one operation, never stored. */
export const recoveryKeyInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pfx'), pfxBase64: base64(64 * 1024), password: text(1024) }),
  z.strictObject({ kind: z.literal('legacy-key'), keyBase64: text(1024) }),
]);

/**
 * Chosen by the caller for a long operation (verify, restore): its progress
 * events carry it, and cancelOperation names it, before the call returns.
 */
const operationId = z.string().min(1).max(64);

export const verifyInput = z.strictObject({
  backupId,
  /** Absent: verify without the private key (sizes, hashes, structure). Present: deep verify. */
  key: recoveryKeyInput.optional(),
  operationId: operationId.optional(),
  /** Accept a backup signed by this public key (base64 of 32 bytes) although this console does not know it: another station's backups, in disaster recovery. */
  trustSigner: text(128).optional(),
});

export const restoreInput = z.strictObject({
  backupId,
  /** Empty or absent: every component. */
  component: text(64).optional(),
  /** An empty (or absent) local folder; nothing is written outside it. */
  targetFolder: text(4096),
  key: recoveryKeyInput,
  operationId: operationId.optional(),
  /** As in verifyInput. */
  trustSigner: text(128).optional(),
});

export const operationIdInput = z.strictObject({ operationId });

export const checkRecoveryKeyInput = z.strictObject({ pfxBase64: base64(64 * 1024), password: text(1024) });

/**
 * Prune the external store (Azure Stack's pruneExternalStore): `DryRun` lists
 * what is not a backup under MASBackup\ and would go; `Default` removes it.
 * Entries listed as Unknown go only when named here — the operator's
 * confirmation, item by item, of what a dry run showed.
 */
export const pruneInput = z.strictObject({
  operation: z.enum(['DryRun', 'Default']),
  removeUnknown: z.array(text(255)).max(1000).optional(),
});

export const retentionDaysInput = z.strictObject({ retentionDays: retentionDaysSchema });
export const automaticBackupsInput = z.strictObject({ enabled: z.boolean() });
export const frequencyHoursInput = z.strictObject({ frequencyHours: frequencyHoursSchema });

export const timelineQuery = z.strictObject({
  kinds: z.array(z.enum(TIMELINE_KINDS)).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});
