export { SECRET_NAMES } from './secret-store';
export { KeyFileSecretStore, KEY_FILE_NAME, KEY_FILE_SECRETS_NAME } from './key-file-secret-store';
export { SafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secret-store';
export { chooseSecretStore } from './choose-secret-store';
