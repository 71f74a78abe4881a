import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import type { CertificateInfo } from '../../../preload/api';
import { EngineError, invalidInput } from '../errors';
import { certificateDerFromBytes } from './certificate-bytes';

export const MIN_RSA_BITS = 2048;

/** The X.509 keyUsage extension (OID 2.5.29.15) as DER bytes, for a byte search in the certificate. */
const KEY_USAGE_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]);
const KEY_ENCIPHERMENT = 0x20;

export interface ParsedCertificate {
  der: Buffer;
  info: CertificateInfo;
  publicKey: KeyObject;
}

/**
 * Reads a certificate from .cer/.crt bytes (DER or PEM). Refuses private keys,
 * PKCS#12 and RSA keys under 2048 bits with field 'certificate'. Expiry and a
 * missing keyEncipherment usage are warnings only: the certificate only
 * transports keys, no chain or validity is enforced (as in Azure Stack).
 */
export function parseCertificate(bytes: Buffer, now: Date = new Date()): ParsedCertificate {
  const der = certificateDerFromBytes(bytes);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch (error) {
    throw new EngineError({
      code: 'invalid-input',
      field: 'certificate',
      message: 'The file is not a readable X.509 certificate.',
      remediation: 'Choose the .cer or .crt file of the certificate (DER or PEM encoded).',
      cause: error,
    });
  }
  const canonicalDer = Buffer.from(certificate.raw);
  const publicKey = certificate.publicKey;
  const keyType = publicKey.asymmetricKeyType;
  const keyBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (keyType !== 'rsa') {
    throw invalidInput(
      'certificate',
      `The certificate has a ${String(keyType ?? 'unknown').toUpperCase()} key; backups are encrypted with RSA, so the certificate must carry an RSA key of at least ${MIN_RSA_BITS} bits.`,
      'Create an RSA certificate, for example with "cert new" or New-SelfSignedCertificate -KeyAlgorithm RSA -KeyLength 3072.',
    );
  }
  if (keyBits < MIN_RSA_BITS) {
    throw invalidInput(
      'certificate',
      `The certificate's RSA key has ${keyBits} bits; at least ${MIN_RSA_BITS} bits are required.`,
      'Create a new certificate with an RSA key of 2048 bits or more (cert new uses 3072).',
    );
  }
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  const warnings: string[] = [];
  if (!allowsKeyEncipherment(canonicalDer)) {
    warnings.push(
      'The certificate does not allow key encipherment (keyUsage keyEncipherment); some tools may refuse to decrypt backups with its .pfx.',
    );
  }
  if (notAfter.getTime() < now.getTime()) {
    warnings.push(
      `The certificate expired on ${notAfter.toISOString()}. It still encrypts backups (it only transports keys), but plan its replacement.`,
    );
  }
  if (notBefore.getTime() > now.getTime()) {
    warnings.push(`The certificate is not valid before ${notBefore.toISOString()}; check the station's clock.`);
  }
  const info: CertificateInfo = {
    thumbprint: sha1Thumbprint(canonicalDer),
    thumbprintSha256: createHash('sha256').update(canonicalDer).digest('hex').toUpperCase(),
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    keyAlgorithm: 'RSA',
    keyBits,
    warnings,
  };
  return { der: canonicalDer, info, publicKey };
}

/** The certificate's details for the operator (CertificateInfo of the contract). */
export function inspectCertificate(bytes: Buffer, now: Date = new Date()): CertificateInfo {
  return parseCertificate(bytes, now).info;
}

/** The RSA public key of a certificate (DER or PEM), for wrapping backup data keys. */
export function publicKeyFromCertificate(certificate: Buffer): KeyObject {
  return parseCertificate(certificate).publicKey;
}

/** SHA-1 of the DER certificate, uppercase hex without separators: what Windows shows as Thumbprint. */
export function sha1Thumbprint(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/** Node prints one RDN per line; operators read them comma-separated. */
function distinguishedName(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .join(', ');
}

/**
 * No keyUsage extension means every usage is allowed. When present, the bit
 * string's first byte carries keyEncipherment as 0x20.
 */
function allowsKeyEncipherment(der: Buffer): boolean {
  const at = der.indexOf(KEY_USAGE_OID);
  if (at < 0) return true;
  let offset = at + KEY_USAGE_OID.length;
  if (der[offset] === 0x01) offset += 3; // critical BOOLEAN
  if (der[offset] !== 0x04) return true; // OCTET STRING wrapping the BIT STRING
  offset += 2;
  if (der[offset] !== 0x03) return true;
  const length = der[offset + 1] ?? 0;
  if (length < 2) return false;
  const firstByte = der[offset + 3] ?? 0;
  return (firstByte & KEY_ENCIPHERMENT) !== 0;
}
