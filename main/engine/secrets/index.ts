export { SECRET_NAMES } from './secret-store';
export { KeyFileSecretStore, KEY_FILE_NAME, KEY_FILE_SECRETS_NAME } from './key-file-secret-store';
export { SafeStorageSecretStore, SAFE_STORAGE_SECRETS_NAME, type SafeStorageLike } from './safe-storage-secret-store';
export { chooseSecretStore } from './choose-secret-store';
export { DpapiSecretStore, DPAPI_SECRETS_NAME } from './dpapi-secret-store';
export { windowsDpapi, type Dpapi } from './dpapi';
