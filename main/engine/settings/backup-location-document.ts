/**
 * Import and export in the shape of Azure Stack's BackupLocation resource
 * (`properties.externalStoreDefault`). Export never writes secrets: password
 * and key are null and the certificate file is not included (only its
 * thumbprint), as the certificate cannot be read back after upload.
 */
import type { BackupLocationDocument } from '../../../preload/api';
import {
  backupLocationDocumentSchema,
  checkLegacyKeyBase64,
  checkLocation,
  checkPassword,
  checkUsername,
  tryParseUncLocation,
  zodFieldErrors,
  type FieldError,
  type LocalPathStyle,
} from '../../../common/settings-schema';
import { formatBytes } from '../../../common/format-bytes';
import { EngineError } from '../errors';
import { registerSecret } from '../redact';
import type { StoredEncryption, StoredSettings } from './stored-settings';

/** Document field → the settings field the form shows. */
const DOCUMENT_FIELDS: Record<string, string> = {
  path: 'location',
  userName: 'username',
  password: 'password',
  encryptionCertBase64: 'certificate',
  encryptionKeyBase64: 'encryptionKey',
  isBackupSchedulerEnabled: 'automaticBackups',
  backupFrequencyInHours: 'frequencyHours',
  backupRetentionPeriodInDays: 'retentionDays',
};

/** The API's read-only BackupLocation fields, from the parts of the engine that own them (null: not known). */
export interface BackupLocationFacts {
  /** Free bytes on the share as last read. */
  freeBytes: number | null;
  /** When the last successful backup finished. */
  lastBackupTime: string | null;
  nextBackupTime: string | null;
}

const NO_FACTS: BackupLocationFacts = { freeBytes: null, lastBackupTime: null, nextBackupTime: null };

export function toBackupLocationDocument(settings: StoredSettings, facts: BackupLocationFacts = NO_FACTS): BackupLocationDocument {
  if (!settings.configured) {
    throw new EngineError({
      code: 'not-configured',
      message: 'Backup is not configured yet, so there is nothing to export.',
      remediation: 'Configure backup first.',
    });
  }
  return {
    properties: {
      externalStoreDefault: {
        path: settings.location,
        userName: settings.username,
        password: null,
        encryptionCertBase64: null,
        encryptionCertThumbprint: settings.encryption.mode === 'certificate' ? settings.encryption.certificate.thumbprint : null,
        encryptionKeyBase64: null,
        isBackupSchedulerEnabled: settings.automaticBackups,
        backupFrequencyInHours: settings.frequencyHours,
        backupRetentionPeriodInDays: settings.retentionDays,
        // The API writes capacity for people ("29.6 TB"), as formatBytes does.
        availableCapacity: facts.freeBytes === null ? null : formatBytes(facts.freeBytes),
        lastBackupTime: facts.lastBackupTime,
        nextBackupTime: facts.nextBackupTime,
        // Not part of Azure Stack's shape: the public key that signs this console's backups, for a station that must trust them (--trust-signer).
        stationSigningPublicKey: settings.signingKey?.publicKey ?? null,
      },
    },
  };
}

/** A checked document, ready to apply. */
export interface ImportPlan {
  location: string;
  username: string;
  /** null: keep the stored password. */
  password: string | null;
  frequencyHours: number;
  retentionDays: number;
  automaticBackups: boolean;
  certificateBase64: string | null;
  legacyKeyBase64: string | null;
}

export type ImportCheck = { ok: true; plan: ImportPlan } | { ok: false; errors: FieldError[] };

/**
 * Checks a document against the rules and the current encryption mode:
 * a key only where no certificate is configured (key → certificate is
 * one-way), and a certificate (or key) when the configuration has none.
 */
export function checkImportDocument(
  document: unknown,
  currentEncryption: StoredEncryption['mode'],
  localPaths?: LocalPathStyle,
): ImportCheck {
  registerSecret(secretField(document, 'password'));
  registerSecret(secretField(document, 'encryptionKeyBase64'));
  const parsed = backupLocationDocumentSchema.safeParse(document);
  if (!parsed.success) {
    return {
      ok: false,
      errors: zodFieldErrors(parsed.error).map((error) => ({
        field: DOCUMENT_FIELDS[error.field.split('.').pop() ?? ''] ?? error.field,
        message: `${error.message} (document field ${error.field})`,
      })),
    };
  }
  const store = parsed.data.properties.externalStoreDefault;
  const errors: FieldError[] = [];
  const add = (field: string, message: string | null): void => {
    if (message) errors.push({ field, message });
  };
  add('location', checkLocation(store.path, localPaths));
  const location = tryParseUncLocation(store.path);
  if (location.ok && location.location.kind === 'smb') add('username', checkUsername(store.userName));
  if (store.password !== null) add('password', checkPassword(store.password));
  const certificateBase64 = store.encryptionCertBase64?.trim() || null;
  const legacyKeyBase64 = store.encryptionKeyBase64?.trim() || null;
  if (certificateBase64 && legacyKeyBase64) {
    add('encryptionKey', 'The document carries both an encryption certificate and an encryption key; keep only the certificate.');
  } else if (legacyKeyBase64) {
    add(
      'encryptionKey',
      currentEncryption === 'certificate'
        ? 'Encryption key: this configuration uses a certificate; switching back to a symmetric key is not possible.'
        : checkLegacyKeyBase64(legacyKeyBase64),
    );
  } else if (!certificateBase64 && currentEncryption === 'none') {
    add(
      'certificate',
      'Encryption certificate is required for a new configuration: the document has no encryptionCertBase64 (exports never include it). Add the .cer content in base64, or set the certificate after importing.',
    );
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    plan: {
      location: location.ok ? location.location.normalized : store.path.trim(),
      username: store.userName.trim(),
      password: store.password,
      frequencyHours: store.backupFrequencyInHours,
      retentionDays: store.backupRetentionPeriodInDays,
      automaticBackups: store.isBackupSchedulerEnabled,
      certificateBase64,
      legacyKeyBase64,
    },
  };
}

/** Reads a string field of externalStoreDefault without trusting the shape, to register secrets first. */
function secretField(document: unknown, name: string): string | null {
  const store = (document as { properties?: { externalStoreDefault?: Record<string, unknown> } } | null)?.properties?.externalStoreDefault;
  const value = store?.[name];
  return typeof value === 'string' ? value : null;
}
