import { join } from 'node:path';
import { EngineError } from '../errors';
import { registerSecret } from '../redact';
import { EncryptedSecretsFile, secretStoreOver } from './encrypted-secrets-file';
import { DelegatingSecretStore, type SecretStore } from './secret-store';

/** The part of Electron's `safeStorage` the engine uses (passed in by main/electron; the engine never imports electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no real keyring (a hard-coded key). */
  getSelectedStorageBackend?(): string;
}

export const SAFE_STORAGE_SECRETS_NAME = 'secrets.safestorage.json';
/** The scheme recorded in that file (EncryptedSecretsFile refuses another store's ciphertexts). */
export const SAFE_STORAGE_SCHEME = 'electron-safe-storage';

/** Why safeStorage cannot be used, or null when it can. */
export function safeStorageUnusableReason(safeStorage: SafeStorageLike): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'the operating system offers no encryption to Electron safeStorage';
  const backend = safeStorage.getSelectedStorageBackend?.();
  if (backend === 'basic_text') return "Electron safeStorage found no keyring (backend 'basic_text' encrypts with a fixed, public key)";
  return null;
}

/**
 * Desktop secret storage: ciphertexts from Electron safeStorage (DPAPI,
 * Keychain, or the Secret Service/KWallet keyring) in `secrets.safestorage.json`.
 * The constructor refuses when safeStorage is unusable (see
 * safeStorageUnusableReason); the caller then falls back to the key file
 * with a visible warning — chooseSecretStore does exactly that.
 */
export class SafeStorageSecretStore extends DelegatingSecretStore {
  protected readonly inner: SecretStore;

  constructor(configDir: string, safeStorage: SafeStorageLike) {
    super();
    const reason = safeStorageUnusableReason(safeStorage);
    if (reason) {
      throw new EngineError({
        code: 'internal',
        message: `Secure storage is not available: ${reason}.`,
        remediation: 'Use the key-file secret store instead (chooseSecretStore falls back automatically).',
      });
    }
    const backend = safeStorage.getSelectedStorageBackend?.();
    const description = `The share password is encrypted by the operating system's credential protection (Electron safeStorage${backend ? `, ${backend}` : ''}): a copied settings or secrets file is useless on another account or machine; programs running as this user can still ask for it.`;
    this.inner = secretStoreOver(
      new EncryptedSecretsFile(join(configDir, SAFE_STORAGE_SECRETS_NAME), SAFE_STORAGE_SCHEME),
      {
        encrypt: (_name, value) => {
          registerSecret(value);
          return safeStorage.encryptString(value);
        },
        decrypt: (name, data) => {
          try {
            const value = safeStorage.decryptString(data);
            registerSecret(value);
            return value;
          } catch (error) {
            throw new EngineError({
              code: 'settings-corrupt',
              message: `The stored secret "${name}" cannot be decrypted by this user's secure storage.`,
              remediation: 'Enter the share password again in Configuration.',
              cause: error,
            });
          }
        },
      },
      description,
    );
  }
}
