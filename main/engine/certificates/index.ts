export {
  inspectCertificate,
  parseCertificate,
  publicKeyFromCertificate,
  sha1Thumbprint,
  MIN_RSA_BITS,
  type ParsedCertificate,
} from './inspect-certificate';
export { certificateDerFromBytes, EXPORT_PUBLIC_PART_HELP } from './certificate-bytes';
export {
  generateSelfSignedCertificate,
  GENERATED_KEY_BITS,
  type GenerateSelfSignedInput,
  type SelfSignedCertificate,
} from './generate-certificate';
export { openPfx, type OpenedPfx } from './open-pfx';
export { generateLegacyKey } from './legacy-key';
