export { SettingsService, type EncryptionTarget, type SettingsServiceDeps } from './settings-service';
export {
  SettingsStore,
  SETTINGS_FILE_NAME,
  openConfBackend,
  type OpenSettingsBackend,
  type SettingsBackend,
  type SettingsStoreOptions,
} from './settings-store';
export {
  CURRENT_SCHEMA_VERSION,
  defaultStoredSettings,
  storedSettingsSchema,
  type StoredSettings,
  type StoredCertificate,
  type CertificateHistoryRecord,
} from './stored-settings';
export { migrateToCurrent } from './migrations';
export { openSettings, type OpenSettingsOptions, type OpenedSettings } from './open-settings';
export { LEGACY_KEY_DEPRECATION_NOTICE } from './settings-view';
