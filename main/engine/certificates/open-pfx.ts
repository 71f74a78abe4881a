import { createPrivateKey, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { loadForge } from './load-forge';
import type { CertificateInfo } from '../../../preload/api';
import { EngineError } from '../errors';
import { registerSecret } from '../redact';
import { parseCertificate } from './inspect-certificate';

export interface OpenedPfx {
  privateKey: KeyObject;
  /** The certificate stored with the key (the one whose public key matches), when the .pfx carries it. */
  certificate: CertificateInfo | null;
  certificateDer: Buffer | null;
}

function wrongKey(cause?: unknown): EngineError {
  return new EngineError({
    code: 'wrong-key',
    message: 'The .pfx file could not be opened with this password.',
    remediation: 'Check the .pfx password (it is case-sensitive) and that this is the .pfx that belongs to the backup certificate.',
    cause,
  });
}

/**
 * Opens a password-protected PKCS#12 in memory (restore, deep verify, "check
 * my recovery key"). Nothing is written to disk. A wrong password or a
 * damaged file gives EngineError 'wrong-key'.
 */
export function openPfx(pfxBytes: Buffer, password: string): OpenedPfx {
  registerSecret(password);
  const forge = loadForge();
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(pfxBytes.toString('binary'));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (error) {
    throw wrongKey(error);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag ?? '1.2.840.113549.1.12.10.1.2' })[
      forge.pki.oids.pkcs8ShroudedKeyBag ?? ''
    ] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag ?? '1.2.840.113549.1.12.10.1.1' })[forge.pki.oids.keyBag ?? ''] ?? []),
  ];
  const forgeKey = keyBags.find((bag) => bag.key)?.key;
  if (!forgeKey) {
    throw new EngineError({
      code: 'wrong-key',
      message: 'The .pfx file holds no private key.',
      remediation: 'Use the .pfx exported with its private key (Export-PfxCertificate, or the .pfx written by "cert new").',
    });
  }
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag ?? '1.2.840.113549.1.12.10.1.3' })[forge.pki.oids.certBag ?? ''] ?? [];
  const modulus = (forgeKey as forge.pki.rsa.PrivateKey).n;
  const matching = certBags.find((bag) => {
    const publicKey = bag.cert?.publicKey as forge.pki.rsa.PublicKey | undefined;
    return publicKey?.n !== undefined && modulus !== undefined && publicKey.n.equals(modulus);
  });
  if (!matching?.cert) return { privateKey, certificate: null, certificateDer: null };
  const certificateDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(matching.cert)).getBytes(), 'binary');
  return { privateKey, certificate: parseCertificate(certificateDer).info, certificateDer };
}
