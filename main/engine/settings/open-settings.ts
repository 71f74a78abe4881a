import { chooseSecretStore } from '../secrets/choose-secret-store';
import type { SafeStorageLike } from '../secrets/safe-storage-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { SettingsService } from './settings-service';
import { SettingsStore, type OpenSettingsBackend } from './settings-store';

export interface OpenSettingsOptions {
  configDir: string;
  /** Desktop: Electron's safeStorage. Absent headless (key file). */
  safeStorage?: SafeStorageLike;
  /** Desktop: electron-store over the same file; default conf. */
  openBackend?: OpenSettingsBackend;
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
  const chosen = chooseSecretStore(options.configDir, options.safeStorage);
  const now = options.now ?? (() => new Date());
  const store = new SettingsStore({ configDir: options.configDir, secrets: chosen.store, openBackend: options.openBackend, now });
  const service = new SettingsService({ store, secrets: chosen.store, now });
  return { service, secrets: chosen.store, secretStorage: chosen.store.describe(), secretStorageWarning: chosen.warning };
}
