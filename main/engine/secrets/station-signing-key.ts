import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { invalidInput } from '../errors';

/**
 * The station signing key (Ed25519): every backup this console makes is
 * signed with it (docs/BACKUP-FORMAT.md § Signature), so a backup written to
 * the share by anyone else — who may well hold the public .cer — is told
 * apart. The private key is kept like the other secrets (SecretStore, under
 * SECRET_NAMES.stationSigningKey, PKCS#8 DER in base64); the public key is
 * not secret and is shown, recorded in the certificate history and exported.
 * A public key is written as the base64 of its 32 raw bytes.
 */
export interface StationSigner {
  privateKey: KeyObject;
  /** base64 of the 32-byte raw public key. */
  publicKey: string;
}

export function generateStationSigningKey(): { signer: StationSigner; privateKeyText: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signer: { privateKey, publicKey: publicKeyText(publicKey) },
    privateKeyText: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

export function signerFromStored(privateKeyText: string): StationSigner {
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyText, 'base64'), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: publicKeyText(createPublicKey(privateKey)) };
}

export function publicKeyText(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

/** An Ed25519 public key from its text (base64 of 32 raw bytes), or an invalid-input error naming `field`. */
export function parseSigningPublicKey(text: string, field: string): KeyObject {
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== text.trim())
    throw invalidInput(
      field,
      'A signing public key is the base64 of 32 bytes (44 characters, as the console shows it).',
      "Copy the signer's public key from its console's settings (or its exported configuration).",
    );
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}
