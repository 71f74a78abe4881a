import type { BackupConsoleApi } from '../../../preload/api';
import { generateCertificateInputSchema, inspectCertificateInputSchema } from '../../../common/settings-schema';
import { generateLegacyKey, generateSelfSignedCertificate, inspectCertificate } from '../certificates';
import { parseWith } from '../validate';

type KeyMethods = Pick<BackupConsoleApi, 'inspectCertificate' | 'generateCertificate' | 'generateLegacyKey'>;

/** Offline key tooling: nothing here touches the network, the settings or the share. */
export function keyMethods(now: () => Date): KeyMethods {
  return {
    inspectCertificate: async (input) => {
      const { certificateBase64 } = parseWith(inspectCertificateInputSchema, input);
      return inspectCertificate(Buffer.from(certificateBase64, 'base64'), now());
    },
    generateCertificate: async (input) => {
      const checked = parseWith(generateCertificateInputSchema, input);
      const generated = generateSelfSignedCertificate({
        dnsName: checked.dnsName,
        pfxPassword: checked.pfxPassword,
        now: now(),
        ...(checked.years !== undefined ? { years: checked.years } : {}),
      });
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
