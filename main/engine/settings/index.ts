export { SettingsService } from './settings-service';
export { SettingsStore, type SettingsBackend } from './settings-store';
export { defaultStoredSettings } from './stored-settings';
export { openSettings, type OpenedSettings } from './open-settings';
