import { KeyFileSecretStore } from './key-file-secret-store';
import { SafeStorageSecretStore, safeStorageUnusableReason, type SafeStorageLike } from './safe-storage-secret-store';
import type { SecretStore } from './secret-store';

export interface ChosenSecretStore {
  store: SecretStore;
  /** Set when the desktop had to fall back to the key file: show it (AppInfo.notices, alert 'secret-storage-fallback'). */
  warning: string | null;
}

/**
 * Desktop: Electron safeStorage when it is backed by a real keyring;
 * otherwise, and headless, the 0600 key file. No OS keyring is used headless
 * (secret-tool is not available on the target stations).
 */
export function chooseSecretStore(configDir: string, safeStorage?: SafeStorageLike): ChosenSecretStore {
  if (!safeStorage) return { store: new KeyFileSecretStore(configDir), warning: null };
  const reason = safeStorageUnusableReason(safeStorage);
  if (reason === null) return { store: new SafeStorageSecretStore(configDir, safeStorage), warning: null };
  return {
    store: new KeyFileSecretStore(configDir),
    warning: `Secure storage is not available (${reason}); the share password is protected by a key file in the config folder instead, which does not protect against programs running as this user.`,
  };
}
