export { inspectCertificate, publicKeyFromCertificate } from './inspect-certificate';
export { generateSelfSignedCertificate, type SelfSignedCertificate } from './generate-certificate';
export { openPfx } from './open-pfx';
export { generateLegacyKey } from './legacy-key';
