import { join } from 'node:path';
import { EngineError } from '../errors';
import { registerSecret } from '../redact';
import type { Dpapi } from './dpapi';
import { EncryptedSecretsFile, secretStoreOver } from './encrypted-secrets-file';
import { DelegatingSecretStore, type SecretStore } from './secret-store';

export const DPAPI_SECRETS_NAME = 'secrets.dpapi.json';

export const DPAPI_DESCRIPTION =
  "The share password is encrypted with Windows DPAPI under this user account's logon credentials (CryptProtectData): a copied settings or secrets file is useless on another account or machine; programs running as this user can still decrypt it.";

/**
 * Headless secret storage on Windows (CLI, service, web host): ciphertexts
 * from DPAPI for the current user in `secrets.dpapi.json`, each bound to its
 * name as DPAPI's extra entropy. No key file: Windows holds the key.
 */
export class DpapiSecretStore extends DelegatingSecretStore {
  protected readonly inner: SecretStore;

  constructor(configDir: string, dpapi: Dpapi) {
    super();
    this.inner = secretStoreOver(
      new EncryptedSecretsFile(join(configDir, DPAPI_SECRETS_NAME), 'windows-dpapi-current-user'),
      {
        encrypt: (name, value) => {
          registerSecret(value);
          return dpapi.protect(Buffer.from(value, 'utf8'), Buffer.from(name, 'utf8'));
        },
        decrypt: (name, data) => {
          try {
            const value = dpapi.unprotect(data, Buffer.from(name, 'utf8')).toString('utf8');
            registerSecret(value);
            return value;
          } catch (error) {
            throw new EngineError({
              code: 'settings-corrupt',
              message: `The stored secret "${name}" cannot be decrypted by this Windows account (it was stored by another account or machine, or changed).`,
              remediation: 'Run the console as the account that configured it, or enter the share password again in Configuration.',
              cause: error,
            });
          }
        },
      },
      DPAPI_DESCRIPTION,
    );
  }
}
