/**
 * The key-tooling contract methods (inspectCertificate, generateCertificate,
 * generateLegacyKey) over the certificate modules: input validated with the
 * shared schema, results in the contract's shapes. The engine service calls
 * these directly.
 */
import type { CertificateInfo, GenerateCertificateInput, GeneratedCertificate, GeneratedLegacyKey } from '../../../preload/api';
import {
  CERTIFICATE_YEARS,
  generateCertificateInputSchema,
  inspectCertificateInputSchema,
  zodFieldErrors,
} from '../../../common/settings-schema';
import { invalidInput } from '../errors';
import { registerSecret } from '../redact';
import { generateSelfSignedCertificate } from './generate-certificate';
import { inspectCertificate } from './inspect-certificate';
import { generateLegacyKey } from './legacy-key';

export function inspectCertificateFromInput(input: { certificateBase64: string }, now: Date = new Date()): CertificateInfo {
  const parsed = inspectCertificateInputSchema.safeParse(input);
  if (!parsed.success) {
    const first = zodFieldErrors(parsed.error)[0];
    throw invalidInput('certificate', first?.message ?? 'The certificate is not valid.');
  }
  return inspectCertificate(Buffer.from(parsed.data.certificateBase64, 'base64'), now);
}

export function generateCertificateFromInput(input: GenerateCertificateInput, now: Date = new Date()): GeneratedCertificate {
  registerSecret(input?.pfxPassword);
  const parsed = generateCertificateInputSchema.safeParse(input);
  if (!parsed.success) {
    const first = zodFieldErrors(parsed.error)[0];
    throw invalidInput(first?.field ?? 'input', first?.message ?? 'The certificate request is not valid.');
  }
  const generated = generateSelfSignedCertificate({
    dnsName: parsed.data.dnsName.trim(),
    years: parsed.data.years ?? CERTIFICATE_YEARS.default,
    pfxPassword: parsed.data.pfxPassword,
    now,
  });
  return {
    certificate: generated.info,
    cerBase64: generated.cerDer.toString('base64'),
    pfxBase64: generated.pfxDer.toString('base64'),
    suggestedFileBase: generated.suggestedFileBase,
  };
}

export function generateLegacyKeyResult(): GeneratedLegacyKey {
  return { keyBase64: generateLegacyKey() };
}
