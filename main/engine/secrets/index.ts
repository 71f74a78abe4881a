export { SECRET_NAMES, type SecretStore } from './secret-store';
export { KeyFileSecretStore, KEY_FILE_DESCRIPTION, KEY_FILE_NAME, KEY_FILE_SECRETS_NAME } from './key-file-secret-store';
export {
  SafeStorageSecretStore,
  SAFE_STORAGE_SECRETS_NAME,
  safeStorageUnusableReason,
  type SafeStorageLike,
} from './safe-storage-secret-store';
export { chooseSecretStore, type ChosenSecretStore, type SecretStoreHost } from './choose-secret-store';
export { DpapiSecretStore, DPAPI_DESCRIPTION, DPAPI_SECRETS_NAME } from './dpapi-secret-store';
export { windowsDpapi, type Dpapi } from './dpapi';
