import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { registerSecret } from '../redact';
import { EncryptedSecretsFile, secretStoreOver, type SecretCipher } from './encrypted-secrets-file';
import { DelegatingSecretStore, type SecretStore } from './secret-store';

export const KEY_FILE_NAME = 'secrets.key';
export const KEY_FILE_SECRETS_NAME = 'secrets.keyfile.json';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const KEY_FILE_DESCRIPTION =
  'The share password is encrypted with AES-256-GCM under a random key kept in a separate file readable only by this user (0600) in the config folder: this protects a copied or backed-up settings file, not an attacker who runs as this user or as root.';

/**
 * Headless secret storage: AES-256-GCM with a random 32-byte key in
 * `<configDir>/secrets.key` (0600); ciphertexts in `secrets.keyfile.json`
 * (0600), each bound to its name as associated data.
 */
export class KeyFileSecretStore extends DelegatingSecretStore {
  protected readonly inner: SecretStore;
  private readonly keyPath: string;

  constructor(configDir: string) {
    super();
    this.keyPath = join(configDir, KEY_FILE_NAME);
    const cipher: SecretCipher = {
      encrypt: (name, value) => {
        registerSecret(value);
        const iv = randomBytes(IV_BYTES);
        const aes = createCipheriv('aes-256-gcm', this.key(true), iv);
        aes.setAAD(Buffer.from(name, 'utf8'));
        const body = Buffer.concat([aes.update(value, 'utf8'), aes.final()]);
        return Buffer.concat([iv, aes.getAuthTag(), body]);
      },
      decrypt: (name, data) => {
        const key = this.key(false);
        try {
          const aes = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
          aes.setAAD(Buffer.from(name, 'utf8'));
          aes.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
          const value = Buffer.concat([aes.update(data.subarray(IV_BYTES + TAG_BYTES)), aes.final()]).toString('utf8');
          registerSecret(value);
          return value;
        } catch (error) {
          throw new EngineError({
            code: 'settings-corrupt',
            message: `The stored secret "${name}" cannot be decrypted: the key file ${this.keyPath} does not match it or one of them was changed.`,
            remediation: 'Enter the share password again in Configuration.',
            cause: error,
          });
        }
      },
    };
    this.inner = secretStoreOver(
      new EncryptedSecretsFile(join(configDir, KEY_FILE_SECRETS_NAME), 'key-file-aes-256-gcm'),
      cipher,
      KEY_FILE_DESCRIPTION,
    );
  }

  private key(create: boolean): Buffer {
    if (existsSync(this.keyPath)) {
      const key = Buffer.from(readFileSync(this.keyPath, 'utf8').trim(), 'base64');
      if (key.length !== KEY_BYTES) {
        throw new EngineError({
          code: 'settings-corrupt',
          message: `The secret key file ${this.keyPath} is damaged.`,
          remediation: 'Move it away and enter the share password again in Configuration.',
        });
      }
      // Someone loosened the permissions: tighten them again rather than fail.
      if ((statSync(this.keyPath).mode & 0o077) !== 0) chmodSync(this.keyPath, 0o600);
      return key;
    }
    if (!create) {
      throw new EngineError({
        code: 'settings-corrupt',
        message: `The secret key file ${this.keyPath} is missing, so stored secrets cannot be decrypted.`,
        remediation: 'Enter the share password again in Configuration.',
      });
    }
    mkdirSync(join(this.keyPath, '..'), { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    try {
      writeFileSync(this.keyPath, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process (the CLI beside the desktop app) created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return this.key(false);
      throw error;
    }
    chmodSync(this.keyPath, 0o600);
    return key;
  }
}
