/**
 * safeStorage for the engine in its own process.
 *
 * Electron's safeStorage lives in main, so the host can only ask for it over
 * the port, asynchronously — but the engine's SecretStore is synchronous.
 * Envelope encryption bridges the two, as Chromium does for its cookies and
 * Signal for its database key: a random 256-bit data key, kept in
 * `secrets.safestorage.key.json` only as safeStorage ciphertext, is unwrapped
 * once at start (one request to main); secrets are then sealed with it
 * (AES-256-GCM) in the host. A copied config folder is as useless as before on
 * another account or machine: the data key opens only with the OS keyring.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../app/logger';
import { describeUnusable, keepAside, keptAsideNotice, readStateText, writeStateText } from '../app/state-file';
import { registerSecret } from '../redact';
import { EncryptedSecretsFile } from '../secrets/encrypted-secrets-file';
import {
  SAFE_STORAGE_SCHEME,
  SAFE_STORAGE_SECRETS_NAME,
  safeStorageUnusableReason,
  type SafeStorageLike,
} from '../secrets/safe-storage-secret-store';
import type { SafeStorageFacts } from './protocol';

export const WRAPPED_KEY_FILE = 'secrets.safestorage.key.json';
/** Marks a value sealed under the data key (format 1); Electron's own ciphertexts start with "v10"/"v11". */
const SEALED_PREFIX = Buffer.from('IBCW1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Main's safeStorage, reached over the port. */
export interface RemoteSafeStorage {
  encrypt(plainText: string): Promise<string>;
  decrypt(cipherBase64: string): Promise<string>;
}

interface WrappedKeyFile {
  version: 1;
  wrappedKeyBase64: string;
}

/**
 * A SafeStorageLike for the engine: availability from main's facts, and
 * encryption under the data key. When main's safeStorage is unusable the
 * engine's own rule (safeStorageUnusableReason) sends it to the key file and
 * these methods are never called.
 */
export async function openWrappedKeySafeStorage(
  configDir: string,
  facts: SafeStorageFacts,
  remote: RemoteSafeStorage,
  logger: Logger,
): Promise<SafeStorageLike> {
  const unusable = (): never => {
    throw new Error('safeStorage is not usable in this session');
  };
  const described: SafeStorageLike = {
    isEncryptionAvailable: () => facts.available,
    ...(facts.backend !== null ? { getSelectedStorageBackend: () => facts.backend as string } : {}),
    encryptString: unusable,
    decryptString: unusable,
  };
  if (safeStorageUnusableReason(described) !== null) return described;
  let key: Buffer;
  try {
    key = await loadOrCreateDataKey(configDir, remote, logger);
  } catch (error) {
    // safeStorage claimed to work but would not wrap a key: the engine falls back to the key file, with its notice.
    logger.warn({ err: error }, 'safeStorage could not protect a data key');
    return { ...described, isEncryptionAvailable: () => false };
  }
  await sealEarlierEntries(configDir, key, remote, logger);
  return { ...described, encryptString: (plainText) => seal(key, plainText), decryptString: (sealed) => open(key, sealed) };
}

function seal(key: Buffer, plainText: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(SEALED_PREFIX);
  const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
  return Buffer.concat([SEALED_PREFIX, iv, cipher.getAuthTag(), body]);
}

function isSealed(data: Buffer): boolean {
  return data.length >= SEALED_PREFIX.length + IV_BYTES + TAG_BYTES && data.subarray(0, SEALED_PREFIX.length).equals(SEALED_PREFIX);
}

function open(key: Buffer, sealed: Buffer): string {
  if (!isSealed(sealed)) throw new Error('the value was not sealed under this console’s data key');
  const iv = sealed.subarray(SEALED_PREFIX.length, SEALED_PREFIX.length + IV_BYTES);
  const tag = sealed.subarray(SEALED_PREFIX.length + IV_BYTES, SEALED_PREFIX.length + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(SEALED_PREFIX);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(SEALED_PREFIX.length + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

async function loadOrCreateDataKey(configDir: string, remote: RemoteSafeStorage, logger: Logger): Promise<Buffer> {
  const path = join(configDir, WRAPPED_KEY_FILE);
  const text = readStateText(path);
  if (text !== null) {
    try {
      const stored = JSON.parse(text) as WrappedKeyFile;
      if (stored?.version !== 1 || typeof stored.wrappedKeyBase64 !== 'string') throw new Error('unexpected content');
      const keyBase64 = await remote.decrypt(stored.wrappedKeyBase64);
      registerSecret(keyBase64);
      const key = Buffer.from(keyBase64, 'base64');
      if (key.length !== 32) throw new Error('the unwrapped data key has the wrong length');
      return key;
    } catch (error) {
      // The keyring was reset or the file damaged: secrets sealed under the old key are lost either
      // way (the operator is asked for the password again); the old file is kept, never overwritten.
      const aside = keepAside(path, new Date()) ?? path;
      logger.warn(
        { err: error },
        keptAsideNotice(
          path,
          describeUnusable(error),
          aside,
          'a new data key protects secrets from now on; enter the share password again.',
        ),
      );
    }
  }
  const key = randomBytes(32);
  const keyBase64 = key.toString('base64');
  registerSecret(keyBase64);
  const content: WrappedKeyFile = { version: 1, wrappedKeyBase64: await remote.encrypt(keyBase64) };
  writeStateText(path, `${JSON.stringify(content, null, 2)}\n`);
  return key;
}

/**
 * Secrets stored before the engine had its own process are Electron
 * ciphertexts: main opens each once and they are sealed under the data key,
 * so nothing already stored is lost. One that main cannot open stays as it
 * is and reads as "enter the password again", as it did before.
 */
async function sealEarlierEntries(configDir: string, key: Buffer, remote: RemoteSafeStorage, logger: Logger): Promise<void> {
  const path = join(configDir, SAFE_STORAGE_SECRETS_NAME);
  if (!existsSync(path)) return;
  const file = new EncryptedSecretsFile(path, SAFE_STORAGE_SCHEME);
  let entries: Record<string, string>;
  try {
    entries = file.read();
  } catch (error) {
    logger.warn({ err: error }, 'stored secrets unreadable; left for the settings to report');
    return;
  }
  let changed = false;
  for (const [name, stored] of Object.entries(entries)) {
    if (isSealed(Buffer.from(stored, 'base64'))) continue;
    try {
      const plainText = await remote.decrypt(stored);
      registerSecret(plainText);
      entries[name] = seal(key, plainText).toString('base64');
      changed = true;
    } catch (error) {
      logger.warn({ err: error, secret: name }, 'a stored secret cannot be opened by safeStorage; it must be entered again');
    }
  }
  if (changed) file.write(entries);
}
