import type { BackupConsoleApi } from '../../../preload/api';
import { generateLegacyKey, generateSelfSignedCertificate, inspectCertificate } from '../certificates';

type KeyMethods = Pick<BackupConsoleApi, 'inspectCertificate' | 'generateCertificate' | 'generateLegacyKey'>;

/**
 * Offline key tooling: nothing here touches the network, the settings or the
 * share. Inputs arrive checked (and the DNS name trimmed) by their schemas in
 * dispatch, the one path of every front door.
 */
export function keyMethods(now: () => Date): KeyMethods {
  return {
    inspectCertificate: async ({ certificateBase64 }) => inspectCertificate(Buffer.from(certificateBase64, 'base64'), now()),
    generateCertificate: async ({ dnsName, years, pfxPassword }) => {
      const generated = generateSelfSignedCertificate({ dnsName, pfxPassword, now: now(), ...(years !== undefined ? { years } : {}) });
      return {
        certificate: generated.info,
        cerBase64: generated.cerDer.toString('base64'),
        pfxBase64: generated.pfxDer.toString('base64'),
        suggestedFileBase: generated.suggestedFileBase,
      };
    },
    generateLegacyKey: async () => ({ keyBase64: generateLegacyKey() }),
  };
}
