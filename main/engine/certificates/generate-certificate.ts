/**
 * Offline key tooling: a self-signed encryption certificate and its .pfx,
 * made on the station without network access.
 *
 * The RSA key comes from Node's crypto (OpenSSL; node-forge's pure-JS key
 * generation takes seconds to minutes). It is 3072 bits: 128-bit security,
 * NIST's recommendation for keys used beyond 2030, and backups outlive the
 * certificate by years; it costs well under a second to generate.
 * The certificate and PKCS#12 are built with node-forge: the key bag is
 * encrypted with AES-256-CBC under PBKDF2-HMAC-SHA256 and the file MAC is
 * HMAC-SHA256 (forge only writes a SHA-1 MAC, so the MAC is rebuilt here) —
 * OpenSSL 3 opens it without -legacy and Windows 10 1709+/Server 2019+ import it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type forge from 'node-forge';
import { loadForge } from './load-forge';
import { registerSecret } from '../redact';
import { parseCertificate } from './inspect-certificate';
import type { CertificateInfo } from '../../../preload/api';
import { CERTIFICATE_YEARS } from '../../../common/settings-schema';

export const GENERATED_KEY_BITS = 3072;
const PBKDF2_ITERATIONS = 10_000;
const MAC_SALT_BYTES = 16;

export interface GenerateSelfSignedInput {
  dnsName: string;
  years?: number;
  pfxPassword: string;
  now?: Date;
}

export interface SelfSignedCertificate {
  /** DER certificate, public part only: what the console is configured with. */
  cerDer: Buffer;
  /** Password-protected PKCS#12 with the private key and the certificate. */
  pfxDer: Buffer;
  info: CertificateInfo;
  /** A file name base derived from the DNS name, e.g. "backup.contoso.com". */
  suggestedFileBase: string;
}

export function generateSelfSignedCertificate(input: GenerateSelfSignedInput): SelfSignedCertificate {
  registerSecret(input.pfxPassword);
  const now = input.now ?? new Date();
  const years = input.years ?? CERTIFICATE_YEARS.default;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: GENERATED_KEY_BITS });
  const forge = loadForge();
  const forgePrivateKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const forgePublicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());

  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forgePublicKey;
  certificate.serialNumber = positiveSerialHex();
  certificate.validity.notBefore = new Date(now.getTime());
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  certificate.validity.notAfter = notAfter;
  const name = [{ name: 'commonName', value: input.dnsName }];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, keyEncipherment: true, dataEncipherment: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: input.dnsName }] },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(forgePrivateKey, forge.md.sha256.create());

  const cerDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
  const pfxDer = buildPfx(forgePrivateKey, certificate, input.pfxPassword, input.dnsName);
  return {
    cerDer,
    pfxDer,
    info: parseCertificate(cerDer, now).info,
    suggestedFileBase: input.dnsName.toLowerCase().replace(/[^a-z0-9.-]/g, '_'),
  };
}

/** 16 random bytes with the top bit clear: a positive INTEGER as RFC 5280 requires. */
function positiveSerialHex(): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;
  return serial.toString('hex');
}

function buildPfx(key: forge.pki.rsa.PrivateKey, certificate: forge.pki.Certificate, password: string, friendlyName: string): Buffer {
  const forge = loadForge();
  const pfx = forge.pkcs12.toPkcs12Asn1(key, [certificate], password, {
    algorithm: 'aes256',
    count: PBKDF2_ITERATIONS,
    saltSize: 16,
    useMac: false,
    generateLocalKeyId: true,
    friendlyName,
    // forge passes the options to encryptPrivateKeyInfo, which reads prfAlgorithm.
    prfAlgorithm: 'sha256',
  } as Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3]);
  // PFX ::= SEQUENCE { version, authSafe ContentInfo { data, [0] OCTET STRING }, macData }
  const pfxParts = pfx.value as forge.asn1.Asn1[];
  const authSafe = pfxParts[1]?.value as forge.asn1.Asn1[] | undefined;
  const explicit = authSafe?.[1]?.value as forge.asn1.Asn1[] | undefined;
  const octets = explicit?.[0]?.value;
  if (typeof octets !== 'string') throw new Error('Unexpected PKCS#12 structure from node-forge.');
  pfxParts.push(sha256MacData(octets, password));
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary');
}

/** MacData with HMAC-SHA256 and the PKCS#12 key derivation (RFC 7292 B.2, ID 3). */
function sha256MacData(authSafeContent: string, password: string): forge.asn1.Asn1 {
  const forge = loadForge();
  const { asn1 } = forge;
  const salt = forge.random.getBytesSync(MAC_SALT_BYTES);
  const macKey = forge.pkcs12.generateKey(
    password,
    new forge.util.ByteStringBuffer(salt),
    3,
    PBKDF2_ITERATIONS,
    32,
    forge.md.sha256.create(),
  );
  const hmac = forge.hmac.create();
  hmac.start('sha256', macKey.getBytes());
  hmac.update(authSafeContent);
  const mac = hmac.digest().getBytes();
  const sha256Oid = forge.pki.oids.sha256 ?? '2.16.840.1.101.3.4.2.1';
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(sha256Oid).getBytes()),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, mac),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(PBKDF2_ITERATIONS).getBytes()),
  ]);
}
