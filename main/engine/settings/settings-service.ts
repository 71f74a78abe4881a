/**
 * The configuration rules of the product (DESIGN.md § Settings and the
 * source document's "Update backup settings"): first save, password
 * handling, certificate intake and history, backwards-compatibility mode for
 * a legacy symmetric key, import/export as Azure Stack's BackupLocation.
 */
import type { KeyObject } from 'node:crypto';
import type {
  BackupLocationDocument,
  CertificateHistoryEntry,
  CertificateInfo,
  EncryptionView,
  SettingsInput,
  SettingsView,
} from '../../../preload/api';
import {
  LOCAL_LOCATION_WARNING,
  backupLocationDocumentSchema,
  checkLegacyKeyBase64,
  checkLocation,
  checkPassword,
  checkUsername,
  normalizeSettingsInput,
  settingsInputSchema,
  tryParseUncLocation,
  validateSettingsInput,
  zodFieldErrors,
  type FieldError,
} from '../../../common/settings-schema';
import { EngineError, invalidInput } from '../errors';
import { registerSecret } from '../redact';
import { parseCertificate, type ParsedCertificate } from '../certificates/inspect-certificate';
import { SECRET_NAMES, type SecretStore } from '../secrets/secret-store';
import type { SettingsStore } from './settings-store';
import type { CertificateHistoryRecord, StoredCertificate, StoredSettings } from './stored-settings';

export const LEGACY_KEY_DEPRECATION_NOTICE =
  'Backwards-compatibility mode: backups are encrypted with a symmetric encryption key. Encryption keys are deprecated; switch to a certificate (a one-way change) — existing backups stay encrypted with the key, so keep it.';

/** What the backup job encrypts to. */
export type EncryptionTarget =
  | { mode: 'none' }
  | { mode: 'certificate'; thumbprint: string; certificateDer: Buffer; publicKey: KeyObject }
  | { mode: 'legacy-key'; key: Buffer };

export interface SettingsServiceDeps {
  store: SettingsStore;
  secrets: SecretStore;
  now?: () => Date;
  /**
   * Called before a save lowers the retention period (the scheduling area
   * lists what would be deleted). Throw EngineError 'confirmation-required'
   * to stop the save unless `confirmed` is true.
   */
  beforeRetentionLowered?: (change: { fromDays: number; toDays: number; confirmed: boolean }) => void;
}

/** Maps BackupLocation fields onto the settings fields the form shows. */
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

export class SettingsService {
  private readonly store: SettingsStore;
  private readonly secrets: SecretStore;
  private readonly now: () => Date;
  private readonly beforeRetentionLowered: SettingsServiceDeps['beforeRetentionLowered'];

  constructor(deps: SettingsServiceDeps) {
    this.store = deps.store;
    this.secrets = deps.secrets;
    this.now = deps.now ?? (() => new Date());
    this.beforeRetentionLowered = deps.beforeRetentionLowered;
  }

  /** Startup findings (settings file kept aside, migrations). */
  notices(): string[] {
    return this.store.notices();
  }

  /** What the operator sees; never carries the password or a key. */
  view(): SettingsView {
    return this.viewOf(this.store.read());
  }

  /** The stored object, for other engine areas (sources, schedule state). */
  stored(): StoredSettings {
    return this.store.read();
  }

  save(rawInput: SettingsInput): SettingsView {
    const shape = settingsInputSchema.safeParse(normalizeSettingsInput(rawInput));
    if (!shape.success) throw fieldError(mapFields(zodFieldErrors(shape.error), { certificateBase64: 'certificate', encryptionKeyBase64: 'encryptionKey' }));
    const input = normalizeSettingsInput(rawInput);
    const current = this.store.read();
    const currentView = this.viewOf(current);
    const errors = validateSettingsInput(currentView, input);
    if (errors.length > 0) throw fieldError(errors);

    const now = this.now();
    const next: StoredSettings = { ...current, certificateHistory: [...current.certificateHistory] };
    if (input.location !== undefined) next.location = normalizedLocation(input.location);
    if (input.username !== undefined) next.username = input.username.trim();
    if (input.smbPort !== undefined) next.smbPort = input.smbPort;
    if (input.frequencyHours !== undefined) next.frequencyHours = input.frequencyHours;
    if (input.retentionDays !== undefined) {
      if (current.configured && input.retentionDays < current.retentionDays) {
        this.beforeRetentionLowered?.({ fromDays: current.retentionDays, toDays: input.retentionDays, confirmed: input.confirmRetentionDeletion === true });
      }
      next.retentionDays = input.retentionDays;
    }
    if (input.automaticBackups !== undefined) this.applyAutomaticBackups(next, input.automaticBackups, now);

    let removeLegacyKey = false;
    if (input.certificateBase64 !== undefined) {
      const certificate = parseCertificate(Buffer.from(input.certificateBase64, 'base64'), now);
      if (current.encryption.mode === 'legacy-key') {
        if (input.confirmSwitchToCertificate !== true) {
          throw new EngineError({
            code: 'confirmation-required',
            field: 'confirmSwitchToCertificate',
            message:
              'Switching from the encryption key to a certificate is a one-way change: afterwards an encryption key can never be configured again, and the console forgets the key. Existing backups stay encrypted with the key.',
            remediation: 'Keep a copy of the encryption key for the existing backups, then confirm the switch.',
          });
        }
        removeLegacyKey = true;
      }
      this.useCertificate(next, certificate, now);
    }

    let legacyKey: string | null = null;
    if (input.encryptionKeyBase64 !== undefined) legacyKey = input.encryptionKeyBase64.trim();

    next.configured = true;
    // Secrets go to the SecretStore before the file says they exist.
    if (input.password !== undefined) {
      registerSecret(input.password);
      this.secrets.set(SECRET_NAMES.sharePassword, input.password);
    }
    if (legacyKey !== null) {
      registerSecret(legacyKey);
      this.secrets.set(SECRET_NAMES.legacyEncryptionKey, legacyKey);
    }
    this.store.write(next);
    if (removeLegacyKey) this.secrets.delete(SECRET_NAMES.legacyEncryptionKey);
    return this.viewOf(next);
  }

  certificateHistory(): CertificateHistoryEntry[] {
    const settings = this.store.read();
    const current = settings.encryption.mode === 'certificate' ? settings.encryption.certificate.thumbprint : null;
    return settings.certificateHistory.map((record) => ({
      thumbprint: record.thumbprint,
      subject: record.subject,
      notAfter: record.notAfter,
      firstUsed: record.firstUsed,
      lastUsed: record.lastUsed,
      current: record.thumbprint === current,
      backupIds: [],
      pfxConfirmed: record.pfxConfirmed,
    }));
  }

  /** A backup was encrypted to this certificate: its history entry's lastUsed moves to now. */
  markCertificateUsed(thumbprint: string): void {
    const at = this.now().toISOString();
    this.store.update((settings) => ({
      ...settings,
      certificateHistory: settings.certificateHistory.map((record) => (record.thumbprint === thumbprint ? { ...record, lastUsed: at } : record)),
    }));
  }

  /** The operator proved they hold this certificate's .pfx ("Check my recovery key"). */
  markPfxConfirmed(thumbprint: string): void {
    this.store.update((settings) => ({
      ...settings,
      certificateHistory: settings.certificateHistory.map((record) => (record.thumbprint === thumbprint ? { ...record, pfxConfirmed: true } : record)),
    }));
  }

  /** Azure Stack's BackupLocation shape. Never carries secrets: no password, no key, no certificate file (only its thumbprint). */
  exportDocument(): BackupLocationDocument {
    const settings = this.store.read();
    if (!settings.configured) {
      throw new EngineError({ code: 'not-configured', message: 'Backup is not configured yet, so there is nothing to export.', remediation: 'Configure backup first.' });
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
        },
      },
    };
  }

  /**
   * Replaces the configuration with a BackupLocation document. A document
   * with `encryptionKeyBase64` (and no certificate) puts the configuration in
   * backwards-compatibility mode — that is how legacy settings arrive —
   * unless it already uses a certificate (key → certificate is one-way). A
   * document without certificate or key keeps the current encryption. A null
   * password keeps the stored one.
   */
  importDocument(document: unknown): SettingsView {
    const parsed = backupLocationDocumentSchema.safeParse(document);
    if (!parsed.success) {
      const errors = zodFieldErrors(parsed.error).map((error) => ({
        field: DOCUMENT_FIELDS[error.field.split('.').pop() ?? ''] ?? error.field,
        message: `${error.message} (document field ${error.field})`,
      }));
      throw fieldError(errors);
    }
    const store = parsed.data.properties.externalStoreDefault;
    const current = this.store.read();
    const now = this.now();
    const errors: FieldError[] = [];
    const locationProblem = checkLocation(store.path);
    if (locationProblem) errors.push({ field: 'location', message: locationProblem });
    const location = tryParseUncLocation(store.path);
    const smb = location.ok && location.location.kind === 'smb';
    if (smb) {
      const usernameProblem = checkUsername(store.userName);
      if (usernameProblem) errors.push({ field: 'username', message: usernameProblem });
    }
    if (store.password !== null) {
      const passwordProblem = checkPassword(store.password);
      if (passwordProblem) errors.push({ field: 'password', message: passwordProblem });
    }
    const certBase64 = store.encryptionCertBase64 ?? null;
    const keyBase64 = store.encryptionKeyBase64?.trim() || null;
    if (certBase64 && keyBase64) errors.push({ field: 'encryptionKey', message: 'The document carries both an encryption certificate and an encryption key; keep only the certificate.' });
    else if (keyBase64) {
      if (current.encryption.mode === 'certificate') {
        errors.push({ field: 'encryptionKey', message: 'Encryption key: this configuration uses a certificate; switching back to a symmetric key is not possible.' });
      } else {
        const keyProblem = checkLegacyKeyBase64(keyBase64);
        if (keyProblem) errors.push({ field: 'encryptionKey', message: keyProblem });
      }
    } else if (!certBase64 && current.encryption.mode === 'none') {
      errors.push({
        field: 'certificate',
        message: 'Encryption certificate is required for a new configuration: the document has no encryptionCertBase64 (exports never include it). Add the .cer content in base64, or set the certificate after importing.',
      });
    }
    if (errors.length > 0) throw fieldError(errors);

    const certificate = certBase64 ? parseCertificate(Buffer.from(certBase64, 'base64'), now) : null;
    const next: StoredSettings = {
      ...current,
      certificateHistory: [...current.certificateHistory],
      configured: true,
      location: normalizedLocation(store.path),
      username: store.userName.trim(),
      frequencyHours: store.backupFrequencyInHours,
      retentionDays: store.backupRetentionPeriodInDays,
    };
    this.applyAutomaticBackups(next, store.isBackupSchedulerEnabled, now);
    if (certificate) this.useCertificate(next, certificate, now);
    else if (keyBase64 && current.encryption.mode !== 'legacy-key') next.encryption = { mode: 'legacy-key', since: now.toISOString() };

    if (store.password !== null) {
      registerSecret(store.password);
      this.secrets.set(SECRET_NAMES.sharePassword, store.password);
    }
    if (keyBase64 && !certificate) {
      registerSecret(keyBase64);
      this.secrets.set(SECRET_NAMES.legacyEncryptionKey, keyBase64);
    }
    this.store.write(next);
    if (certificate && current.encryption.mode === 'legacy-key') this.secrets.delete(SECRET_NAMES.legacyEncryptionKey);
    return this.viewOf(next);
  }

  /** For the share driver only; never for an API result. */
  sharePassword(): string | null {
    const password = this.secrets.get(SECRET_NAMES.sharePassword);
    registerSecret(password);
    return password;
  }

  /** What new backups are encrypted to. */
  encryptionTarget(): EncryptionTarget {
    const settings = this.store.read();
    if (settings.encryption.mode === 'certificate') {
      const der = Buffer.from(settings.encryption.certificate.certDerBase64, 'base64');
      const parsed = parseCertificate(der, this.now());
      return { mode: 'certificate', thumbprint: parsed.info.thumbprint, certificateDer: parsed.der, publicKey: parsed.publicKey };
    }
    if (settings.encryption.mode === 'legacy-key') {
      const key = this.secrets.get(SECRET_NAMES.legacyEncryptionKey);
      if (!key) {
        throw new EngineError({
          code: 'not-configured',
          message: 'The configuration is in backwards-compatibility mode but its encryption key is not stored on this station.',
          remediation: 'Enter the encryption key again in Configuration, or switch to a certificate.',
        });
      }
      registerSecret(key);
      return { mode: 'legacy-key', key: Buffer.from(key, 'base64') };
    }
    return { mode: 'none' };
  }

  private applyAutomaticBackups(next: StoredSettings, enabled: boolean, now: Date): void {
    if (next.automaticBackups && !enabled) next.automaticBackupsDisabledSince = now.toISOString();
    if (enabled) next.automaticBackupsDisabledSince = null;
    next.automaticBackups = enabled;
  }

  private useCertificate(next: StoredSettings, certificate: ParsedCertificate, now: Date): void {
    const at = now.toISOString();
    const previous = next.encryption.mode === 'certificate' ? next.encryption.certificate.thumbprint : null;
    const { info } = certificate;
    if (previous === info.thumbprint) return;
    const history: CertificateHistoryRecord[] = next.certificateHistory.map((record) => (record.thumbprint === previous ? { ...record, lastUsed: at } : record));
    const known = history.findIndex((record) => record.thumbprint === info.thumbprint);
    if (known >= 0) {
      const record = history[known];
      if (record) history[known] = { ...record, lastUsed: at };
    } else {
      history.push({ thumbprint: info.thumbprint, subject: info.subject, notAfter: info.notAfter, firstUsed: at, lastUsed: at, pfxConfirmed: false });
    }
    const stored: StoredCertificate = {
      certDerBase64: certificate.der.toString('base64'),
      thumbprint: info.thumbprint,
      thumbprintSha256: info.thumbprintSha256,
      subject: info.subject,
      issuer: info.issuer,
      notBefore: info.notBefore,
      notAfter: info.notAfter,
      keyBits: info.keyBits,
      configuredAt: at,
    };
    next.encryption = { mode: 'certificate', certificate: stored };
    next.certificateHistory = history;
  }

  private viewOf(settings: StoredSettings): SettingsView {
    const parsed = settings.configured ? tryParseUncLocation(settings.location) : null;
    const kind = parsed?.ok ? parsed.location.kind : 'unset';
    const view: SettingsView = {
      configured: settings.configured,
      location: settings.location,
      locationKind: kind,
      username: settings.username,
      passwordSet: this.secrets.has(SECRET_NAMES.sharePassword),
      smbPort: settings.smbPort,
      frequencyHours: settings.frequencyHours,
      retentionDays: settings.retentionDays,
      automaticBackups: settings.automaticBackups,
      encryption: this.encryptionView(settings),
    };
    if (kind === 'local') view.locationWarning = LOCAL_LOCATION_WARNING;
    return view;
  }

  private encryptionView(settings: StoredSettings): EncryptionView {
    const { encryption } = settings;
    if (encryption.mode === 'legacy-key') return { mode: 'legacy-key', keySet: true, deprecationNotice: LEGACY_KEY_DEPRECATION_NOTICE };
    if (encryption.mode === 'none') return { mode: 'none' };
    // Re-read the stored certificate so expiry warnings are current.
    let certificate: CertificateInfo;
    try {
      certificate = parseCertificate(Buffer.from(encryption.certificate.certDerBase64, 'base64'), this.now()).info;
    } catch {
      const stored = encryption.certificate;
      certificate = {
        thumbprint: stored.thumbprint,
        thumbprintSha256: stored.thumbprintSha256,
        subject: stored.subject,
        issuer: stored.issuer,
        notBefore: stored.notBefore,
        notAfter: stored.notAfter,
        keyAlgorithm: 'RSA',
        keyBits: stored.keyBits,
        warnings: ['The stored certificate can no longer be read; configure the certificate again.'],
      };
    }
    return { mode: 'certificate', certificate };
  }
}

function normalizedLocation(text: string): string {
  const parsed = tryParseUncLocation(text);
  return parsed.ok ? parsed.location.normalized : text.trim();
}

function mapFields(errors: FieldError[], names: Record<string, string>): FieldError[] {
  return errors.map((error) => ({ field: names[error.field] ?? error.field, message: error.message }));
}

/** The first field error as EngineError 'invalid-input' (the form shows all of them as you type). */
function fieldError(errors: FieldError[]): EngineError {
  const first = errors[0] ?? { field: 'input', message: 'The settings are not valid.' };
  const others = errors.length > 1 ? ` (${errors.length - 1} more field${errors.length > 2 ? 's' : ''} to correct)` : '';
  return invalidInput(first.field, `${first.message}${others}`);
}
