/**
 * The configured certificate and the history of every certificate ever
 * configured, so the operator knows which .pfx files must be kept.
 */
import type { CertificateHistoryEntry } from '../../../preload/api';
import type { ParsedCertificate } from '../certificates/inspect-certificate';
import type { CertificateHistoryRecord, StoredCertificate, StoredSettings } from './stored-settings';

/**
 * Makes `certificate` the configured one. The replaced certificate's
 * lastUsed becomes now (it encrypted backups until now); a certificate seen
 * before keeps its firstUsed. The same certificate again changes nothing.
 */
export function withCertificate(settings: StoredSettings, certificate: ParsedCertificate, now: Date): StoredSettings {
  const at = now.toISOString();
  const previous = settings.encryption.mode === 'certificate' ? settings.encryption.certificate.thumbprint : null;
  const { info } = certificate;
  if (previous === info.thumbprint) return settings;
  const history: CertificateHistoryRecord[] = settings.certificateHistory.map((record) =>
    record.thumbprint === previous || record.thumbprint === info.thumbprint ? { ...record, lastUsed: at } : record,
  );
  if (!history.some((record) => record.thumbprint === info.thumbprint)) {
    history.push({
      thumbprint: info.thumbprint,
      subject: info.subject,
      notAfter: info.notAfter,
      firstUsed: at,
      lastUsed: at,
      pfxConfirmed: false,
      signingPublicKeys: settings.signingKey ? [settings.signingKey.publicKey] : [],
    });
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
  return { ...settings, encryption: { mode: 'certificate', certificate: stored }, certificateHistory: history };
}

/** Changes one history record, by thumbprint. */
export function withHistoryRecord(settings: StoredSettings, thumbprint: string, change: Partial<CertificateHistoryRecord>): StoredSettings {
  return {
    ...settings,
    certificateHistory: settings.certificateHistory.map((record) => (record.thumbprint === thumbprint ? { ...record, ...change } : record)),
  };
}

/** The contract's view of the history. backupIds is filled by the backup area, which knows the share. */
export function certificateHistoryEntries(settings: StoredSettings): CertificateHistoryEntry[] {
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
    signingPublicKeys: record.signingPublicKeys,
  }));
}

/** Records that backups encrypted to `thumbprint` are signed with the station key `publicKey`. */
export function withSigningKeyUsed(settings: StoredSettings, thumbprint: string, publicKey: string): StoredSettings {
  return {
    ...settings,
    certificateHistory: settings.certificateHistory.map((record) =>
      record.thumbprint === thumbprint && !record.signingPublicKeys.includes(publicKey)
        ? { ...record, signingPublicKeys: [...record.signingPublicKeys, publicKey] }
        : record,
    ),
  };
}

/** Every signing key this console has signed backups with: its backups report "signed by this console". */
export function consoleSigningKeys(settings: StoredSettings): string[] {
  const keys = new Set(settings.certificateHistory.flatMap((record) => record.signingPublicKeys));
  if (settings.signingKey) keys.add(settings.signingKey.publicKey);
  return [...keys];
}
