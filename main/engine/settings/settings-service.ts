/**
 * The configuration rules of the product (DESIGN.md § Settings and the
 * source document's "Update backup settings"): first save, password
 * handling, certificate intake and history, backwards-compatibility mode for
 * a legacy symmetric key, import/export as Azure Stack's BackupLocation.
 */
import type { KeyObject } from 'node:crypto';
import type { BackupLocationDocument, CertificateHistoryEntry, SettingsInput, SettingsView } from '../../../preload/api';
import {
  localPathStyleOf,
  normalizeSettingsInput,
  settingsInputSchema,
  tryParseUncLocation,
  validateSettingsInput,
  zodFieldErrors,
  type FieldError,
  type LocalPathStyle,
} from '../../../common/settings-schema';
import { EngineError } from '../errors';
import { registerSecret } from '../redact';
import { parseCertificate } from '../certificates/inspect-certificate';
import { SECRET_NAMES, type SecretStore } from '../secrets/secret-store';
import { generateStationSigningKey, signerFromStored, type StationSigner } from '../secrets/station-signing-key';
import { checkImportDocument, toBackupLocationDocument, type BackupLocationFacts } from './backup-location-document';
import {
  certificateHistoryEntries,
  consoleSigningKeys,
  withCertificate,
  withHistoryRecord,
  withSigningKeyUsed,
} from './certificate-history';
import { fieldError } from './field-errors';
import { settingsViewOf } from './settings-view';
import type { SettingsStore } from './settings-store';
import type { StoredSettings } from './stored-settings';

/** What the backup job encrypts to. */
export type EncryptionTarget =
  | { mode: 'none' }
  | { mode: 'certificate'; thumbprint: string; certificateDer: Buffer; publicKey: KeyObject }
  | { mode: 'legacy-key'; key: Buffer };

export interface SettingsServiceDeps {
  store: SettingsStore;
  secrets: SecretStore;
  now?: () => Date;
  /** The station's platform, which decides how a local folder is written (default: this process's). */
  platform?: NodeJS.Platform;
}

export class SettingsService {
  private readonly store: SettingsStore;
  private readonly secrets: SecretStore;
  private readonly now: () => Date;
  /** How this station writes a local folder (`D:\Backups` or `/srv/backups`): the other form is refused. */
  readonly localPaths: LocalPathStyle;

  constructor(deps: SettingsServiceDeps) {
    this.store = deps.store;
    this.secrets = deps.secrets;
    this.now = deps.now ?? (() => new Date());
    this.localPaths = localPathStyleOf(deps.platform ?? process.platform);
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
    // Registered first, so no later error text or log line can carry them.
    registerSecret(rawInput?.password);
    registerSecret(rawInput?.passwordConfirm);
    registerSecret(rawInput?.encryptionKeyBase64);
    const input = normalizeSettingsInput(rawInput);
    const shape = settingsInputSchema.safeParse(input);
    if (!shape.success)
      throw fieldError(mapFields(zodFieldErrors(shape.error), { certificateBase64: 'certificate', encryptionKeyBase64: 'encryptionKey' }));
    const current = this.store.read();
    const currentView = this.viewOf(current);
    const errors = validateSettingsInput(currentView, input, this.localPaths);
    if (errors.length > 0) throw fieldError(errors);

    const now = this.now();
    let next: StoredSettings = { ...current };
    if (input.location !== undefined) next.location = normalizedLocation(input.location);
    if (input.username !== undefined) next.username = input.username.trim();
    if (input.smbPort !== undefined) next.smbPort = input.smbPort;
    if (input.frequencyHours !== undefined) next.frequencyHours = input.frequencyHours;
    // Lowering it is confirmed before this save, by the settings methods (they can list the share).
    if (input.retentionDays !== undefined) next.retentionDays = input.retentionDays;
    if (input.almostFullPercent !== undefined) next.almostFullPercent = input.almostFullPercent;
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
      next = withCertificate(next, certificate, now);
    }

    let legacyKey: string | null = null;
    if (input.encryptionKeyBase64 !== undefined) legacyKey = input.encryptionKeyBase64.trim();

    next.configured = true;
    // Secrets go to the SecretStore before the file says they exist.
    if (input.password !== undefined) this.secrets.set(SECRET_NAMES.sharePassword, input.password);
    if (legacyKey !== null) this.secrets.set(SECRET_NAMES.legacyEncryptionKey, legacyKey);
    next = this.withSigningKey(next, now);
    this.store.write(next);
    if (removeLegacyKey) this.secrets.delete(SECRET_NAMES.legacyEncryptionKey);
    return this.viewOf(next);
  }

  /**
   * Clear configuration: forgets the location, the account and its password,
   * and the certificate (or legacy key). The certificate history, the station's
   * signing key, frequency and retention stay: the backups already on the
   * share remain listed as this console's once it is configured again.
   */
  clear(): SettingsView {
    const next: StoredSettings = { ...this.store.read(), configured: false, location: '', username: '', encryption: { mode: 'none' } };
    this.store.write(next);
    this.secrets.delete(SECRET_NAMES.sharePassword);
    this.secrets.delete(SECRET_NAMES.legacyEncryptionKey);
    return this.viewOf(next);
  }

  certificateHistory(): CertificateHistoryEntry[] {
    return certificateHistoryEntries(this.store.read());
  }

  /** A backup was encrypted to this certificate: its history entry's lastUsed moves to now. */
  markCertificateUsed(thumbprint: string, signingPublicKey?: string): void {
    const lastUsed = this.now().toISOString();
    this.store.update((settings) => {
      const next = withHistoryRecord(settings, thumbprint, { lastUsed });
      return signingPublicKey ? withSigningKeyUsed(next, thumbprint, signingPublicKey) : next;
    });
  }

  /** The operator proved they hold this certificate's .pfx ("Check my recovery key"). */
  markPfxConfirmed(thumbprint: string): void {
    this.store.update((settings) => withHistoryRecord(settings, thumbprint, { pfxConfirmed: true }));
  }

  /** Azure Stack's BackupLocation shape. Never carries secrets: no password, no key, no certificate file (only its thumbprint). */
  exportDocument(facts?: BackupLocationFacts): BackupLocationDocument {
    return toBackupLocationDocument(this.store.read(), facts);
  }

  /**
   * Replaces the configuration with a BackupLocation document. A document
   * with `encryptionKeyBase64` (and no certificate) puts the configuration in
   * backwards-compatibility mode — that is how legacy settings arrive —
   * unless it already uses a certificate (key → certificate is one-way). A
   * certificate in the document switches a legacy configuration to it (the
   * import is the operator's explicit choice). A document without
   * certificate or key keeps the current encryption. A null password keeps
   * the stored one.
   */
  importDocument(document: unknown): SettingsView {
    const current = this.store.read();
    const check = checkImportDocument(document, current.encryption.mode, this.localPaths);
    if (!check.ok) throw fieldError(check.errors);
    const { plan } = check;
    const now = this.now();
    const certificate = plan.certificateBase64 ? parseCertificate(Buffer.from(plan.certificateBase64, 'base64'), now) : null;
    let next: StoredSettings = {
      ...current,
      configured: true,
      location: plan.location,
      username: plan.username,
      frequencyHours: plan.frequencyHours,
      retentionDays: plan.retentionDays,
    };
    this.applyAutomaticBackups(next, plan.automaticBackups, now);
    if (certificate) next = withCertificate(next, certificate, now);
    else if (plan.legacyKeyBase64 && current.encryption.mode !== 'legacy-key')
      next.encryption = { mode: 'legacy-key', since: now.toISOString() };

    // Secrets go to the SecretStore before the file says they exist.
    if (plan.password !== null) this.secrets.set(SECRET_NAMES.sharePassword, plan.password);
    if (plan.legacyKeyBase64 && !certificate) this.secrets.set(SECRET_NAMES.legacyEncryptionKey, plan.legacyKeyBase64);
    next = this.withSigningKey(next, now);
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

  /**
   * The station signing key, made at configuration (or, for a console
   * configured before signing existed, on its first backup): its private
   * half in the SecretStore, its public half in the settings file.
   */
  private withSigningKey(settings: StoredSettings, now: Date): StoredSettings {
    if (settings.signingKey && this.secrets.has(SECRET_NAMES.stationSigningKey)) return settings;
    const { signer, privateKeyText } = generateStationSigningKey();
    this.secrets.set(SECRET_NAMES.stationSigningKey, privateKeyText);
    const next = { ...settings, signingKey: { publicKey: signer.publicKey, createdAt: now.toISOString() } };
    return next.encryption.mode === 'certificate'
      ? withSigningKeyUsed(next, next.encryption.certificate.thumbprint, signer.publicKey)
      : next;
  }

  /** The key new backups are signed with (made now if this console has none yet). For the backup job only. */
  stationSigner(): StationSigner & { createdAt: string } {
    let settings = this.store.read();
    if (!settings.signingKey || !this.secrets.has(SECRET_NAMES.stationSigningKey)) {
      settings = this.withSigningKey(settings, this.now());
      this.store.write(settings);
    }
    const signer = signerFromStored(this.secrets.get(SECRET_NAMES.stationSigningKey)!);
    if (signer.publicKey !== settings.signingKey!.publicKey) {
      // The secrets were replaced behind the settings file's back: trust the key we can sign with.
      settings = this.withSigningKey({ ...settings, signingKey: null }, this.now());
      this.store.write(settings);
      return { ...signerFromStored(this.secrets.get(SECRET_NAMES.stationSigningKey)!), createdAt: settings.signingKey!.createdAt };
    }
    return { ...signer, createdAt: settings.signingKey!.createdAt };
  }

  /** The signing keys whose backups are this console's, and since when it signs (older unsigned backups are its own too). */
  signingFacts(): { consoleKeys: string[]; signingSince: string | null } {
    const settings = this.store.read();
    return { consoleKeys: consoleSigningKeys(settings), signingSince: settings.signingKey?.createdAt ?? null };
  }

  private applyAutomaticBackups(next: StoredSettings, enabled: boolean, now: Date): void {
    if (next.automaticBackups && !enabled) next.automaticBackupsDisabledSince = now.toISOString();
    if (enabled) next.automaticBackupsDisabledSince = null;
    next.automaticBackups = enabled;
  }

  private viewOf(settings: StoredSettings): SettingsView {
    return settingsViewOf(settings, this.secrets.has(SECRET_NAMES.sharePassword), this.now());
  }
}

function normalizedLocation(text: string): string {
  const parsed = tryParseUncLocation(text);
  return parsed.ok ? parsed.location.normalized : text.trim();
}

function mapFields(errors: FieldError[], names: Record<string, string>): FieldError[] {
  return errors.map((error) => ({ field: names[error.field] ?? error.field, message: error.message }));
}
