/**
 * Classifies what the operator handed in as "a certificate" before X.509
 * parsing, so that anything carrying a private key is refused with the reason
 * and how to export only the public part.
 */
import { invalidInput, type EngineError } from '../errors';

export const EXPORT_PUBLIC_PART_HELP =
  'Export only the public part: on Windows, Export-Certificate -Cert $cert -FilePath backup.cer (or the certificate export wizard with "No, do not export the private key"); with OpenSSL, openssl pkcs12 -in backup.pfx -nokeys -clcerts -out backup.cer.';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const PKCS7_DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]);

function privateKeyRefusal(what: string): EngineError {
  return invalidInput(
    'certificate',
    `The file is ${what}, which carries a private key. The console needs only the public certificate (.cer); the private key must stay off this station.`,
    EXPORT_PUBLIC_PART_HELP,
  );
}

/** Returns the DER certificate from DER or PEM bytes, refusing private keys, PKCS#12 and non-certificates. */
export function certificateDerFromBytes(bytes: Buffer): Buffer {
  if (bytes.length === 0)
    throw invalidInput('certificate', 'The certificate file is empty.', 'Choose the .cer file that holds the public key.');
  const text = bytes.subarray(0, Math.min(bytes.length, 200_000)).toString('latin1');
  if (text.includes('-----BEGIN ')) return derFromPem(text);
  const shape = classifyDer(bytes);
  if (shape === 'pkcs12') throw privateKeyRefusal('a PKCS#12 (.pfx/.p12) file');
  if (shape === 'private-key') throw privateKeyRefusal('a private key');
  return bytes;
}

function derFromPem(text: string): Buffer {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1] ?? '', body: match[2] ?? '' }));
  if (blocks.some((block) => block.label.includes('PRIVATE KEY'))) throw privateKeyRefusal('a PEM file with a private key block');
  if (blocks.some((block) => block.label === 'PKCS12')) throw privateKeyRefusal('a PKCS#12 (.pfx/.p12) file');
  const certificate = blocks.find((block) => block.label === 'CERTIFICATE' || block.label === 'X509 CERTIFICATE');
  if (!certificate) {
    throw invalidInput(
      'certificate',
      'The PEM file holds no CERTIFICATE block.',
      'Choose the .cer or .crt file of the certificate (DER or PEM).',
    );
  }
  const der = Buffer.from(certificate.body.replace(/\s+/g, ''), 'base64');
  const shape = classifyDer(der);
  if (shape === 'pkcs12') throw privateKeyRefusal('a PKCS#12 (.pfx/.p12) file');
  if (shape === 'private-key') throw privateKeyRefusal('a private key');
  return der;
}

/**
 * Looks at the first element inside the outer SEQUENCE: an X.509 certificate
 * starts with a SEQUENCE (tbsCertificate); PKCS#12 with INTEGER 3 followed by
 * a PKCS#7 ContentInfo; PKCS#1/PKCS#8 private keys with INTEGER 0 or 1.
 */
export function classifyDer(der: Buffer): 'certificate-like' | 'pkcs12' | 'private-key' | 'unknown' {
  const outer = readHeader(der, 0);
  if (!outer || der[0] !== 0x30) return 'unknown';
  const firstOffset = outer.contentOffset;
  const first = readHeader(der, firstOffset);
  if (!first) return 'unknown';
  const firstTag = der[firstOffset];
  if (firstTag === 0x30) return 'certificate-like';
  if (firstTag !== 0x02) return 'unknown';
  const version = first.length === 1 ? der[first.contentOffset] : undefined;
  if (version === 3) {
    const after = der.subarray(first.contentOffset + first.length, first.contentOffset + first.length + 32);
    if (after.includes(PKCS7_DATA_OID)) return 'pkcs12';
  }
  if (version === 0 || version === 1) return 'private-key';
  return 'unknown';
}

function readHeader(der: Buffer, offset: number): { length: number; contentOffset: number } | null {
  const lengthByte = der[offset + 1];
  if (lengthByte === undefined) return null;
  if (lengthByte < 0x80) return { length: lengthByte, contentOffset: offset + 2 };
  const count = lengthByte & 0x7f;
  if (count === 0 || count > 4 || offset + 2 + count > der.length) return null;
  let length = 0;
  for (let index = 0; index < count; index += 1) length = length * 256 + (der[offset + 2 + index] ?? 0);
  return { length, contentOffset: offset + 2 + count };
}
