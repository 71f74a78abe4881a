import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { windowsDpapi, type Dpapi } from './dpapi';
import { DpapiSecretStore } from './dpapi-secret-store';
import { KEY_FILE_NAME, KEY_FILE_SECRETS_NAME, KeyFileSecretStore } from './key-file-secret-store';
import { SafeStorageSecretStore, safeStorageUnusableReason, type SafeStorageLike } from './safe-storage-secret-store';
import { SECRET_NAMES, type SecretStore } from './secret-store';

export interface ChosenSecretStore {
  store: SecretStore;
  /** Set when the desktop had to fall back to the key file: show it (AppInfo.notices, alert 'secret-storage-fallback'). */
  warning: string | null;
}

export interface SecretStoreHost {
  platform?: NodeJS.Platform;
  /** Windows DPAPI (tests pass a stand-in). */
  dpapi?: Dpapi;
}

/**
 * Desktop: Electron safeStorage when it is backed by a real keyring.
 * Otherwise, and headless: on Windows, DPAPI for the current user; elsewhere
 * the 0600 key file (secret-tool is not available on the target stations).
 */
export function chooseSecretStore(configDir: string, safeStorage?: SafeStorageLike, host: SecretStoreHost = {}): ChosenSecretStore {
  const headless = () => headlessStore(configDir, host);
  if (!safeStorage) return { store: headless(), warning: null };
  const reason = safeStorageUnusableReason(safeStorage);
  if (reason === null) return { store: new SafeStorageSecretStore(configDir, safeStorage), warning: null };
  const store = headless();
  const instead =
    store instanceof DpapiSecretStore
      ? 'is protected by Windows DPAPI for this account instead'
      : 'is protected by a key file in the config folder instead, which does not protect against programs running as this user';
  return { store, warning: `Secure storage is not available (${reason}); the share password ${instead}.` };
}

function headlessStore(configDir: string, host: SecretStoreHost): SecretStore {
  if ((host.platform ?? process.platform) !== 'win32') return new KeyFileSecretStore(configDir);
  const store = new DpapiSecretStore(configDir, host.dpapi ?? windowsDpapi);
  moveKeyFileSecrets(configDir, store);
  return store;
}

/**
 * Versions before DPAPI kept Windows secrets in the key file: move them over
 * once, so an upgraded station keeps its password and the key file goes.
 */
function moveKeyFileSecrets(configDir: string, to: SecretStore): void {
  const from = new KeyFileSecretStore(configDir);
  const names = Object.values(SECRET_NAMES).filter((name) => from.has(name));
  if (names.length === 0) return;
  for (const name of names) {
    const value = from.get(name);
    if (value !== null && !to.has(name)) to.set(name, value);
  }
  for (const file of [KEY_FILE_SECRETS_NAME, KEY_FILE_NAME]) rmSync(join(configDir, file), { force: true });
}
