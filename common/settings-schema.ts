/**
 * The one settings schema, shared by the renderer (validation as you type) and
 * the engine (the authority). Imports only zod and contract types, because
 * the renderer is a sandboxed web page without Node builtins.
 *
 * Field names in errors are the SettingsInput keys, except that certificate
 * problems use 'certificate' and legacy-key problems 'encryptionKey' (see
 * SETTINGS_FIELDS). Every message names the field and the rule in operator
 * words.
 */
import { z } from 'zod';
import type { SettingsInput, SettingsView } from '../preload/api';
import { isDnsName } from './host-address';
import { LOCAL_LOCATION_WARNING, tryParseUncLocation, type LocalPathStyle, type ParsedLocation } from './unc-location';

export {
  LOCAL_LOCATION_WARNING,
  localPathStyleOf,
  parseUncLocation,
  tryParseUncLocation,
  type LocalPathStyle,
  type ParsedLocation,
} from './unc-location';

export const FREQUENCY_HOURS = { min: 4, max: 12, default: 12 } as const;
export const RETENTION_DAYS = { min: 2, max: 14, default: 7 } as const;
/** The share's used capacity, in percent, at which "The backup file share is almost full" is raised. */
export const ALMOST_FULL_PERCENT = { min: 50, max: 99, default: 80 } as const;
export const SMB_PORT = { min: 1, max: 65535, default: 445 } as const;
export const CERTIFICATE_YEARS = { min: 1, max: 10, default: 1 } as const;
export const PFX_PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
/** A legacy key is base64 of exactly this many bytes (New-AzsEncryptionKeyBase64). */
export const LEGACY_KEY_BYTES = 32;

export const SETTINGS_FIELDS = [
  'location',
  'username',
  'password',
  'passwordConfirm',
  'smbPort',
  'frequencyHours',
  'retentionDays',
  'almostFullPercent',
  'automaticBackups',
  'certificate',
  'encryptionKey',
  'confirmSwitchToCertificate',
] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

export interface FieldError {
  field: string;
  message: string;
}

// ─────────────── single-field rules (each returns an operator message or null) ───────────────

function integerInRange(label: string, value: unknown, range: { min: number; max: number }, unit: string): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return `${label} must be a whole number of ${unit} from ${range.min} to ${range.max}.`;
  if (!Number.isInteger(value)) return `${label} must be a whole number of ${unit} (no fractions), from ${range.min} to ${range.max}.`;
  if (value < range.min || value > range.max)
    return `${label} must be from ${range.min} to ${range.max} ${unit}; ${value} is outside that range.`;
  return null;
}

export function checkFrequencyHours(value: unknown): string | null {
  return integerInRange('Frequency in hours', value, FREQUENCY_HOURS, 'hours');
}

export function checkRetentionDays(value: unknown): string | null {
  return integerInRange('Retention period in days', value, RETENTION_DAYS, 'days');
}

export function checkAlmostFullPercent(value: unknown): string | null {
  return integerInRange('Almost-full threshold', value, ALMOST_FULL_PERCENT, 'percent');
}

export function checkSmbPort(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < SMB_PORT.min || value > SMB_PORT.max) {
    return `SMB port must be a whole number from ${SMB_PORT.min} to ${SMB_PORT.max} (the standard port is ${SMB_PORT.default}).`;
  }
  return null;
}

/** `localPaths`: the station's style of local folder (see tryParseUncLocation); absent: either. */
export function checkLocation(value: string, localPaths?: LocalPathStyle): string | null {
  const result = tryParseUncLocation(value, localPaths);
  return result.ok ? null : result.message;
}

// Characters Windows forbids in account names, plus control characters and '%'
// (smbclient's user%password separator).
const ACCOUNT_FORBIDDEN = /["/\\[\]:;|=,+*?<>@%\u0000-\u001f\u007f]/;

/** `DOMAIN\user` or `user@domain`; for a local account of the file server use `SERVER\user`. */
export function checkUsername(value: string): string | null {
  const text = value.trim();
  const rule = 'Username must be DOMAIN\\user or user@domain (for a local account on the file server: SERVERNAME\\user).';
  if (text.length === 0) return `Username is required for a file share. ${rule}`;
  if (text.length > 512) return 'Username is too long (at most 512 characters).';
  const backslash = text.indexOf('\\');
  if (backslash >= 0) {
    const domain = text.slice(0, backslash);
    const user = text.slice(backslash + 1);
    if (!domain) return `Username: the domain before \\ is missing. ${rule}`;
    if (!user) return `Username: the user name after \\ is missing. ${rule}`;
    if (domain !== '.' && !isDnsName(domain) && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(domain))
      return `Username: "${domain}" is not a valid domain name. ${rule}`;
    const bad = user.match(ACCOUNT_FORBIDDEN)?.[0];
    if (bad) return `Username: the user name contains the character ${describeCharacter(bad)}, which account names do not allow.`;
    return null;
  }
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    const user = text.slice(0, at);
    const domain = text.slice(at + 1);
    if (!user) return `Username: the user name before @ is missing. ${rule}`;
    if (!domain || !isDnsName(domain)) return `Username: "${domain}" after @ is not a valid domain name. ${rule}`;
    const bad = user.match(ACCOUNT_FORBIDDEN)?.[0];
    if (bad) return `Username: the user name contains the character ${describeCharacter(bad)}, which account names do not allow.`;
    return null;
  }
  return `Username "${text}" has no domain. ${rule}`;
}

function describeCharacter(character: string): string {
  return /[\u0000-\u001f\u007f]/.test(character) ? 'a control character' : character;
}

export function checkPassword(value: string): string | null {
  if (value.length === 0) return 'Password is required.';
  if (value.length > PASSWORD_MAX_LENGTH) return `Password is too long (at most ${PASSWORD_MAX_LENGTH} characters).`;
  if (/[\r\n\u0000]/.test(value)) return 'Password must not contain a line break or NUL character.';
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Shape check only (the engine parses the certificate). PEM text sent as base64 passes too. */
export function checkCertificateBase64(value: string): string | null {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0) return 'Encryption certificate is empty: choose the .cer file that holds the public key.';
  if (!BASE64.test(compact) || compact.length % 4 !== 0) return 'Encryption certificate must be the .cer file content in base64.';
  return null;
}

/** A legacy key is base64 of 32 bytes (what New-AzsEncryptionKeyBase64 produces). */
export function checkLegacyKeyBase64(value: string): string | null {
  const compact = value.trim();
  const rule = `Encryption key must be base64 of ${LEGACY_KEY_BYTES} random bytes (44 characters ending in =), as generated by "key new" or New-AzsEncryptionKeyBase64.`;
  if (!BASE64.test(compact) || compact.length !== 44 || !compact.endsWith('=') || compact.endsWith('==')) return rule;
  return null;
}

export function checkDnsName(value: string): string | null {
  const text = value.trim();
  if (text.length === 0) return 'DNS name is required (for example backup.contoso.com).';
  if (!isDnsName(text))
    return `DNS name "${text}" is not valid: use letters, digits and hyphens in dot-separated labels (for example backup.contoso.com).`;
  return null;
}

// ─────────────── the whole form ───────────────

/** What the validator needs to know about the stored configuration (a SettingsView fits, and so does a stamp's backup location). */
export type SettingsContext = Pick<SettingsView, 'configured' | 'passwordSet' | 'location' | 'locationKind'> & {
  /** Only the mode is read. */
  encryption: SettingsView['encryption'] | { mode: SettingsView['encryption']['mode'] };
};

export const UNCONFIGURED_CONTEXT: SettingsContext = {
  configured: false,
  passwordSet: false,
  location: '',
  locationKind: 'unset',
  encryption: { mode: 'none' },
};

/**
 * A form sends every field; empty secret fields mean "unchanged": both
 * password fields empty, an empty certificate or an empty key are dropped.
 */
export function normalizeSettingsInput(input: SettingsInput): SettingsInput {
  const normalized: SettingsInput = { ...input };
  if ((normalized.password ?? '') === '' && (normalized.passwordConfirm ?? '') === '') {
    delete normalized.password;
    delete normalized.passwordConfirm;
  }
  if (normalized.certificateBase64 !== undefined && normalized.certificateBase64.trim() === '') delete normalized.certificateBase64;
  if (normalized.encryptionKeyBase64 !== undefined && normalized.encryptionKeyBase64.trim() === '') delete normalized.encryptionKeyBase64;
  return normalized;
}

/**
 * Validates a settings change against the current configuration. Returns one
 * error per field (first problem found), in form order; [] when valid.
 * Certificate contents are checked by the engine (the renderer cannot parse
 * X.509); confirmations (switching a legacy key to a certificate) are asked
 * for by the engine with code 'confirmation-required', not reported here.
 * `localPaths` is the station's style of local folder: the engine passes its
 * platform's, the window the one getAppInfo reports, so both refuse the same.
 */
export function validateSettingsInput(current: SettingsContext, rawInput: SettingsInput, localPaths?: LocalPathStyle): FieldError[] {
  const input = normalizeSettingsInput(rawInput);
  const errors: FieldError[] = [];
  const add = (field: SettingsField, message: string | null): void => {
    if (message && !errors.some((error) => error.field === field)) errors.push({ field, message });
  };

  // Location: required on first save; decides whether SMB fields apply. A
  // missing or unfinished location is taken for a share (the normal case), so
  // its credentials are flagged in the same pass rather than one by one.
  let kind: 'smb' | 'local' | 'unset' = current.locationKind;
  if (input.location !== undefined) {
    const result = tryParseUncLocation(input.location, localPaths);
    if (result.ok) kind = result.location.kind;
    else {
      add('location', result.message);
      kind = 'smb';
    }
  } else if (!current.configured) {
    add('location', 'Backup storage location is required: enter a UNC path such as \\\\fileserver01.contoso.com\\AzSBackups.');
    kind = 'smb';
  }
  const smb = kind === 'smb';
  const locationChanged = input.location !== undefined && input.location.trim() !== current.location;

  if (input.username !== undefined) {
    if (smb || input.username.trim() !== '') add('username', checkUsername(input.username));
  } else if (smb && (!current.configured || current.locationKind !== 'smb')) {
    add('username', checkUsername(''));
  }

  const passwordRequired = smb && (!current.configured || !current.passwordSet || current.locationKind !== 'smb');
  if (input.password !== undefined || input.passwordConfirm !== undefined) {
    add('password', checkPassword(input.password ?? ''));
    if (input.passwordConfirm === undefined || input.passwordConfirm === '')
      add('passwordConfirm', 'Confirm password is required: type the password again.');
    else if (input.password !== input.passwordConfirm) add('passwordConfirm', 'Confirm password does not match the password.');
  } else if (passwordRequired) {
    add(
      'password',
      locationChanged && current.configured ? 'Password is required for the new file share.' : 'Password is required on first save.',
    );
    add('passwordConfirm', 'Confirm password is required: type the password again.');
  }

  if (input.smbPort !== undefined) add('smbPort', checkSmbPort(input.smbPort));
  if (input.frequencyHours !== undefined) add('frequencyHours', checkFrequencyHours(input.frequencyHours));
  if (input.retentionDays !== undefined) add('retentionDays', checkRetentionDays(input.retentionDays));
  if (input.almostFullPercent !== undefined) add('almostFullPercent', checkAlmostFullPercent(input.almostFullPercent));
  if (input.automaticBackups !== undefined && typeof input.automaticBackups !== 'boolean')
    add('automaticBackups', 'Automatic backups must be enabled or disabled.');

  if (input.certificateBase64 !== undefined) add('certificate', checkCertificateBase64(input.certificateBase64));
  if (input.encryptionKeyBase64 !== undefined) {
    if (input.certificateBase64 !== undefined) {
      add('encryptionKey', 'Give either an encryption certificate or an encryption key, not both.');
    } else if (current.encryption.mode !== 'legacy-key') {
      add(
        'encryptionKey',
        current.encryption.mode === 'certificate'
          ? 'Encryption key: this configuration uses a certificate; switching back to a symmetric key is not possible.'
          : 'Encryption key: a new configuration must use a certificate; symmetric keys are only kept for configurations that already had one.',
      );
    } else {
      add('encryptionKey', checkLegacyKeyBase64(input.encryptionKeyBase64));
    }
  }
  if (current.encryption.mode === 'none' && input.certificateBase64 === undefined && input.encryptionKeyBase64 === undefined) {
    add('certificate', 'Encryption certificate is required for a new configuration: choose the .cer file with the public key.');
  }
  return errors;
}

/** The location warning to show next to the field, if any. */
export function locationWarning(location: ParsedLocation | null): string | undefined {
  return location?.kind === 'local' ? LOCAL_LOCATION_WARNING : undefined;
}

// ─────────────── zod schemas of the contract inputs ───────────────

/** Adds the single-field rules to a zod schema, with the field as the issue path. */
function rule<T>(check: (value: T) => string | null) {
  return (value: T, context: z.RefinementCtx) => {
    const message = check(value);
    if (message) context.addIssue({ code: 'custom', message });
  };
}

/** The ranged numbers as schemas, each with its rule's message for a wrong type too. */
export const smbPortSchema = z.number({ error: () => checkSmbPort(Number.NaN) ?? '' }).superRefine(rule(checkSmbPort));
export const frequencyHoursSchema = z.number({ error: () => checkFrequencyHours(Number.NaN) ?? '' }).superRefine(rule(checkFrequencyHours));
export const retentionDaysSchema = z.number({ error: () => checkRetentionDays(Number.NaN) ?? '' }).superRefine(rule(checkRetentionDays));
export const almostFullPercentSchema = z
  .number({ error: () => checkAlmostFullPercent(Number.NaN) ?? '' })
  .superRefine(rule(checkAlmostFullPercent));

/**
 * saveSettings' input, the one definition (preload/api.ts infers SettingsInput
 * from it), with every rule that holds whatever is stored. The rules that
 * depend on the stored configuration (first save, password match, legacy key
 * → certificate) are validateSettingsInput's. An empty certificate means
 * "unchanged" (a form sends every field).
 */
export const settingsInputSchema = z.strictObject({
  /** UNC path `\\host\share[\folder…]`, or a local folder (trial use). */
  location: z.string().max(1024).superRefine(rule(checkLocation)).optional(),
  username: z.string().max(512).optional(),
  password: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  passwordConfirm: z.string().max(PASSWORD_MAX_LENGTH).optional(),
  smbPort: smbPortSchema.optional(),
  frequencyHours: frequencyHoursSchema.optional(),
  retentionDays: retentionDaysSchema.optional(),
  /** Percent of the share's capacity in use at which the almost-full alert is raised. */
  almostFullPercent: almostFullPercentSchema.optional(),
  automaticBackups: z.boolean({ error: 'Automatic backups must be true (enabled) or false (disabled).' }).optional(),
  /** The .cer/.crt bytes, base64 (DER or PEM). */
  certificateBase64: z
    .string()
    .max(90_000)
    .superRefine(rule((value: string) => (value.trim() === '' ? null : checkCertificateBase64(value))))
    .optional(),
  /** Replace the legacy key (backwards-compatibility mode only). */
  encryptionKeyBase64: z.string().max(1024).optional(),
  /** Required when switching from a legacy key to a certificate (one-way). */
  confirmSwitchToCertificate: z.boolean().optional(),
  /** Required when a lower retention period would delete existing backups. */
  confirmRetentionDeletion: z.boolean().optional(),
});

export const inspectCertificateInputSchema = z.strictObject({
  certificateBase64: z.string().max(90_000).superRefine(rule(checkCertificateBase64)),
});

export const generateCertificateInputSchema = z
  .strictObject({
    // Trimmed here, so the subject and the file names carry the name itself, not spaces around it.
    dnsName: z.string().max(300).trim().superRefine(rule(checkDnsName)),
    years: z
      .number()
      .superRefine(rule((value: number) => integerInRange('Validity in years', value, CERTIFICATE_YEARS, 'years')))
      .optional(),
    pfxPassword: z
      .string()
      .max(PASSWORD_MAX_LENGTH)
      .superRefine(
        rule((value: string) =>
          value.length < PFX_PASSWORD_MIN_LENGTH
            ? `.pfx password must be at least ${PFX_PASSWORD_MIN_LENGTH} characters: it protects the key that opens every backup.`
            : null,
        ),
      ),
    pfxPasswordConfirm: z.string().max(PASSWORD_MAX_LENGTH),
  })
  .superRefine((value, context) => {
    if (value.pfxPassword !== value.pfxPasswordConfirm) {
      context.addIssue({
        code: 'custom',
        path: ['pfxPasswordConfirm'],
        message: 'Confirm .pfx password does not match the .pfx password.',
      });
    }
  });

/** Azure Stack's BackupLocation resource, as accepted by importSettings. */
export const backupLocationDocumentSchema = z.object({
  properties: z.object({
    externalStoreDefault: z.object({
      path: z.string().max(1024),
      userName: z.string().max(512),
      password: z.string().max(PASSWORD_MAX_LENGTH).nullable(),
      encryptionCertBase64: z.string().max(90_000).nullable().optional(),
      encryptionCertThumbprint: z.string().max(128).nullable().optional(),
      encryptionKeyBase64: z.string().max(1024).nullable().optional(),
      isBackupSchedulerEnabled: z.boolean(),
      backupFrequencyInHours: frequencyHoursSchema,
      backupRetentionPeriodInDays: retentionDaysSchema,
      /** The API's read-only fields, exported as the console last knew them; ignored on import. */
      availableCapacity: z.string().max(64).nullable().optional(),
      lastBackupTime: z.string().max(64).nullable().optional(),
      nextBackupTime: z.string().max(64).nullable().optional(),
      /** Exported for information (disaster recovery: `--trust-signer`); ignored on import. */
      stationSigningPublicKey: z.string().max(128).nullable().optional(),
    }),
  }),
});

/** zod issues → field errors (path joined with '.'), first issue per field. */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
    if (!errors.some((existing) => existing.field === field)) errors.push({ field, message: issue.message });
  }
  return errors;
}
