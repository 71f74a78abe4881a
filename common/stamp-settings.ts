/**
 * A stamp's backup configuration, checked with the console's own settings
 * rules (common/settings-schema.ts) — the same messages, the same limits — but
 * under the API's field names (`path`, `userName`, `backupFrequencyInHours` …),
 * because the stamp form and `stamp set` round-trip the API's names. Shared
 * by the renderer (as you type) and the engine (the authority).
 */
import { z } from 'zod';
import type { SettingsInput } from '../preload/api';
import {
  PASSWORD_MAX_LENGTH,
  checkCertificateBase64,
  checkLocation,
  frequencyHoursSchema,
  retentionDaysSchema,
  tryParseUncLocation,
  validateSettingsInput,
  type FieldError,
  type SettingsContext,
} from './settings-schema';

/** The console's settings field → the API's name for it. */
const API_FIELD: Record<string, string> = {
  location: 'path',
  username: 'userName',
  password: 'password',
  passwordConfirm: 'passwordConfirm',
  frequencyHours: 'backupFrequencyInHours',
  retentionDays: 'backupRetentionPeriodInDays',
  automaticBackups: 'isBackupSchedulerEnabled',
  certificate: 'encryptionCertBase64',
};

export const STAMP_PATH_RULE =
  'A stamp backs up to a file share on a separate device: the path must be a UNC path such as \\\\fileserver01.contoso.com\\AzSBackups.';

function checkStampPath(value: string): string | null {
  const problem = checkLocation(value);
  if (problem) return problem;
  const parsed = tryParseUncLocation(value);
  return parsed.ok && parsed.location.kind !== 'smb' ? STAMP_PATH_RULE : null;
}

function rule<T>(check: (value: T) => string | null) {
  return (value: T, context: z.RefinementCtx) => {
    const message = check(value);
    if (message) context.addIssue({ code: 'custom', message });
  };
}

/** A change to a stamp's backup location, in the API's names; absent fields keep the stamp's values. */
export const stampSettingsInputSchema = z.strictObject({
  path: z.string().max(1024).superRefine(rule(checkStampPath)).optional(),
  userName: z.string().max(512).optional(),
  /** Write-only: sent to the stamp, never stored by the console, never shown again. */
  password: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  passwordConfirm: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  /** The .cer (public key only), base64 of DER or of PEM text; the stamp receives DER. */
  encryptionCertBase64: z
    .string()
    .max(90_000)
    .superRefine(rule((value: string) => (value.trim() === '' ? null : checkCertificateBase64(value))))
    .optional(),
  backupFrequencyInHours: frequencyHoursSchema.optional(),
  backupRetentionPeriodInDays: retentionDaysSchema.optional(),
  isBackupSchedulerEnabled: z.boolean({ error: 'Automatic backups must be true (enabled) or false (disabled).' }).optional(),
});
export type StampSettingsInput = z.input<typeof stampSettingsInputSchema>;

/** What the rules need to know of the stamp's current configuration. */
export interface StampSettingsContext {
  /** The stamp's configured path; empty or null when backup was never configured there. */
  path: string | null;
  encryptionCertThumbprint: string | null;
}

/**
 * Every rule of the console's own form, under the API's names: the path is
 * required on first configuration and must be a UNC path, the username is
 * DOMAIN\user or user@domain, the password is required (twice) on first
 * configuration and for a new share, frequency 4–12 hours, retention 2–14
 * days, a certificate is required when the stamp has none. [] when valid.
 */
export function validateStampSettingsInput(current: StampSettingsContext, input: StampSettingsInput): FieldError[] {
  const configured = (current.path ?? '').trim() !== '';
  const context: SettingsContext = {
    configured,
    // The stamp never says whether it holds a password; a configured stamp has one.
    passwordSet: configured,
    location: current.path ?? '',
    locationKind: configured ? 'smb' : 'unset',
    encryption: { mode: current.encryptionCertThumbprint ? 'certificate' : 'none' },
  };
  const settings: SettingsInput = {
    ...(input.path !== undefined ? { location: input.path } : {}),
    ...(input.userName !== undefined ? { username: input.userName } : {}),
    ...(input.password !== undefined ? { password: input.password } : {}),
    ...(input.passwordConfirm !== undefined ? { passwordConfirm: input.passwordConfirm } : {}),
    ...(input.backupFrequencyInHours !== undefined ? { frequencyHours: input.backupFrequencyInHours } : {}),
    ...(input.backupRetentionPeriodInDays !== undefined ? { retentionDays: input.backupRetentionPeriodInDays } : {}),
    ...(input.isBackupSchedulerEnabled !== undefined ? { automaticBackups: input.isBackupSchedulerEnabled } : {}),
    ...(input.encryptionCertBase64 !== undefined ? { certificateBase64: input.encryptionCertBase64 } : {}),
  };
  const errors = validateSettingsInput(context, settings).map((error) => ({ ...error, field: API_FIELD[error.field] ?? error.field }));
  if (input.path !== undefined && !errors.some((error) => error.field === 'path')) {
    const problem = checkStampPath(input.path);
    if (problem) errors.unshift({ field: 'path', message: problem });
  }
  return errors;
}

export type { FieldError };
