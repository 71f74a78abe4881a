import type { CertificateInfo, EncryptionView, SettingsView } from '../../../preload/api';
import { LOCAL_LOCATION_WARNING, tryParseUncLocation } from '../../../common/settings-schema';
import { parseCertificate } from '../certificates/inspect-certificate';
import type { StoredSettings } from './stored-settings';

export const LEGACY_KEY_DEPRECATION_NOTICE =
  'Backwards-compatibility mode: backups are encrypted with a symmetric encryption key. Encryption keys are deprecated; switch to a certificate (a one-way change) — existing backups stay encrypted with the key, so keep it.';

/** What the operator sees. Built from the file and one bit about the SecretStore; never carries a secret. */
export function settingsViewOf(settings: StoredSettings, passwordSet: boolean, now: Date): SettingsView {
  const parsed = settings.configured ? tryParseUncLocation(settings.location) : null;
  const kind = parsed?.ok ? parsed.location.kind : 'unset';
  const view: SettingsView = {
    configured: settings.configured,
    location: settings.location,
    locationKind: kind,
    username: settings.username,
    passwordSet,
    smbPort: settings.smbPort,
    frequencyHours: settings.frequencyHours,
    retentionDays: settings.retentionDays,
    almostFullPercent: settings.almostFullPercent,
    automaticBackups: settings.automaticBackups,
    encryption: encryptionViewOf(settings, now),
    signingPublicKey: settings.signingKey?.publicKey ?? null,
  };
  if (kind === 'local') view.locationWarning = LOCAL_LOCATION_WARNING;
  return view;
}

function encryptionViewOf(settings: StoredSettings, now: Date): EncryptionView {
  const { encryption } = settings;
  if (encryption.mode === 'legacy-key') return { mode: 'legacy-key', keySet: true, deprecationNotice: LEGACY_KEY_DEPRECATION_NOTICE };
  if (encryption.mode === 'none') return { mode: 'none' };
  // Re-read the stored certificate so expiry warnings are current.
  let certificate: CertificateInfo;
  try {
    certificate = parseCertificate(Buffer.from(encryption.certificate.certDerBase64, 'base64'), now).info;
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
