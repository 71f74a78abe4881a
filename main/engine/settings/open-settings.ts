import { secureConfigDir } from '../app/config-dir';
import { chooseSecretStore } from '../secrets/choose-secret-store';
import type { SafeStorageLike } from '../secrets/safe-storage-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { SettingsService } from './settings-service';
import { SettingsStore } from './settings-store';

export interface OpenSettingsOptions {
  configDir: string;
  /** Desktop: Electron's safeStorage. Absent headless (key file). */
  safeStorage?: SafeStorageLike;
  now?: () => Date;
}

export interface OpenedSettings {
  service: SettingsService;
  secrets: SecretStore;
  /** For AppInfo.secretStorage. */
  secretStorage: string;
  /** Set when the desktop fell back from safeStorage to the key file: show it (alert 'secret-storage-fallback'). */
  secretStorageWarning: string | null;
}

/** Wires the secret store, the settings file and the rules together, as every front door needs them. */
export function openSettings(options: OpenSettingsOptions): OpenedSettings {
  // First thing every front door does: the folder and everything in it become this user's only (older versions left 0644/0755).
  secureConfigDir(options.configDir);
  const chosen = chooseSecretStore(options.configDir, options.safeStorage);
  const now = options.now ?? (() => new Date());
  const store = new SettingsStore({ configDir: options.configDir, secrets: chosen.store, now });
  const service = new SettingsService({ store, secrets: chosen.store, now });
  return { service, secrets: chosen.store, secretStorage: chosen.store.describe(), secretStorageWarning: chosen.warning };
}
