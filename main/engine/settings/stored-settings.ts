/**
 * The settings file's schema (what is on disk), distinct from SettingsView
 * (what the operator sees) and SettingsInput (what they change). Secrets are
 * never part of it: the share password and a legacy key live in the
 * SecretStore. The object is open (loose) so other engine areas can keep
 * their state beside it under their own keys (`sources`, `schedule`, …);
 * unknown keys survive every read and write.
 */
import { z } from 'zod';
import {
  FREQUENCY_HOURS,
  RETENTION_DAYS,
  SMB_PORT,
  checkLocation,
  frequencyHoursSchema,
  retentionDaysSchema,
  almostFullPercentSchema,
  ALMOST_FULL_PERCENT,
  smbPortSchema,
} from '../../../common/settings-schema';

export const CURRENT_SCHEMA_VERSION = 1;

export const storedCertificateSchema = z.object({
  /** The public certificate (DER, base64): needed to encrypt; never returned through the API. */
  certDerBase64: z.string().min(1),
  thumbprint: z.string().regex(/^[0-9A-F]{40}$/, 'must be 40 uppercase hex digits'),
  thumbprintSha256: z.string().regex(/^[0-9A-F]{64}$/, 'must be 64 uppercase hex digits'),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyBits: z.number().int(),
  /** When it became the configured certificate. */
  configuredAt: z.string(),
});
export type StoredCertificate = z.infer<typeof storedCertificateSchema>;

export const storedEncryptionSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  z.object({ mode: z.literal('certificate'), certificate: storedCertificateSchema }),
  /** The key itself is in the SecretStore (SECRET_NAMES.legacyEncryptionKey). */
  z.object({ mode: z.literal('legacy-key'), since: z.string() }),
]);
export type StoredEncryption = z.infer<typeof storedEncryptionSchema>;

export const certificateHistoryRecordSchema = z.object({
  thumbprint: z.string(),
  subject: z.string(),
  notAfter: z.string(),
  /** When it was first configured. */
  firstUsed: z.string(),
  /** Last time it was configured, replaced, or used by a backup (markCertificateUsed). */
  lastUsed: z.string(),
  pfxConfirmed: z.boolean().default(false),
  /** The station signing keys (public, base64) that signed backups encrypted to this certificate. */
  signingPublicKeys: z.array(z.string()).default([]),
});
export type CertificateHistoryRecord = z.infer<typeof certificateHistoryRecordSchema>;

export const storedSettingsSchema = z
  .looseObject({
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    configured: z.boolean(),
    /** Normalized location text ('' while unconfigured). */
    location: z.string().max(1024),
    username: z.string().max(512),
    smbPort: smbPortSchema,
    frequencyHours: frequencyHoursSchema,
    retentionDays: retentionDaysSchema,
    // Settings saved before the threshold was a setting have the fixed 80 % it was.
    almostFullPercent: almostFullPercentSchema.default(ALMOST_FULL_PERCENT.default),
    automaticBackups: z.boolean(),
    encryption: storedEncryptionSchema,
    certificateHistory: z.array(certificateHistoryRecordSchema),
    /** When automatic backups were last disabled (for the informational alert). */
    automaticBackupsDisabledSince: z.string().nullable().default(null),
    /** The station signing key's public half and when it was made (its private half is in the SecretStore). */
    signingKey: z.object({ publicKey: z.string(), createdAt: z.string() }).nullable().default(null),
  })
  .superRefine((value, context) => {
    if (value.configured) {
      const problem = checkLocation(value.location);
      if (problem) context.addIssue({ code: 'custom', path: ['location'], message: problem });
    }
  });
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export function defaultStoredSettings(): StoredSettings {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    configured: false,
    location: '',
    username: '',
    smbPort: SMB_PORT.default,
    frequencyHours: FREQUENCY_HOURS.default,
    retentionDays: RETENTION_DAYS.default,
    almostFullPercent: ALMOST_FULL_PERCENT.default,
    automaticBackups: true,
    encryption: { mode: 'none' },
    certificateHistory: [],
    automaticBackupsDisabledSince: null,
    signingKey: null,
  };
}
