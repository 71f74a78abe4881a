import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEY_FILE_NAME,
  KEY_FILE_SECRETS_NAME,
  KeyFileSecretStore,
  SafeStorageSecretStore,
  chooseSecretStore,
  type SafeStorageLike,
} from '../../../main/engine/secrets';
import { scrubSecrets } from '../../../main/engine/redact';

const PASSWORD = 'S3cret-Share-Pässword!';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every encoding a careless implementation might leave on disk. */
export function encodingsOf(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret, 'utf8').toString('base64'),
    Buffer.from(secret, 'utf8').toString('base64url'),
    Buffer.from(secret, 'utf8').toString('hex'),
    Buffer.from(secret, 'utf8').toString('hex').toUpperCase(),
    Buffer.from(secret, 'utf16le').toString('latin1'),
    Buffer.from(secret, 'utf16le').toString('base64'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

function allFilesText(folder: string): string {
  return readdirSync(folder)
    .map((name) => readFileSync(join(folder, name)).toString('latin1'))
    .join('\n');
}

/** A stand-in for Electron safeStorage: XOR is enough to tell ciphertext from plaintext. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  const mask = (data: Buffer) => Buffer.from(data.map((byte) => byte ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.concat([Buffer.from('v11'), mask(Buffer.from(text, 'utf8'))]),
    decryptString: (data) => mask(data.subarray(3)).toString('utf8'),
    getSelectedStorageBackend: () => backend,
  };
}

describe('KeyFileSecretStore', () => {
  it('round-trips, survives a new instance, and deletes', () => {
    const store = new KeyFileSecretStore(dir);
    expect(store.has('share-password')).toBe(false);
    expect(store.get('share-password')).toBeNull();
    store.set('share-password', PASSWORD);
    expect(new KeyFileSecretStore(dir).get('share-password')).toBe(PASSWORD);
    store.delete('share-password');
    expect(store.has('share-password')).toBe(false);
  });

  it('keeps only ciphertext on disk, in 0600 files', () => {
    new KeyFileSecretStore(dir).set('share-password', PASSWORD);
    const text = allFilesText(dir);
    for (const encoded of encodingsOf(PASSWORD)) expect(text).not.toContain(encoded);
    expect(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, KEY_FILE_SECRETS_NAME)).mode & 0o777).toBe(0o600);
  });

  it('registers the secret so it is scrubbed from logs', () => {
    new KeyFileSecretStore(dir).set('share-password', PASSWORD);
    expect(scrubSecrets(`smbclient failed for ${PASSWORD}`)).not.toContain(PASSWORD);
  });

  it('a secrets file alone (copied without the key file) cannot be decrypted', () => {
    new KeyFileSecretStore(dir).set('share-password', PASSWORD);
    const other = mkdtempSync(join(tmpdir(), 'ibc-secrets-copy-'));
    try {
      writeFileSync(join(other, KEY_FILE_SECRETS_NAME), readFileSync(join(dir, KEY_FILE_SECRETS_NAME)));
      expect(() => new KeyFileSecretStore(other).get('share-password')).toThrow(/key file .* missing/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a ciphertext moved to another name does not decrypt (name is authenticated)', () => {
    const store = new KeyFileSecretStore(dir);
    store.set('share-password', PASSWORD);
    const path = join(dir, KEY_FILE_SECRETS_NAME);
    const content = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, string> };
    content.entries['legacy-encryption-key'] = content.entries['share-password'] ?? '';
    writeFileSync(path, JSON.stringify(content));
    expect(() => store.get('legacy-encryption-key')).toThrow(/cannot be decrypted/);
  });
});

describe('SafeStorageSecretStore and the choice of store', () => {
  it('stores safeStorage ciphertext only', () => {
    const store = new SafeStorageSecretStore(dir, fakeSafeStorage());
    store.set('share-password', PASSWORD);
    expect(store.get('share-password')).toBe(PASSWORD);
    const text = allFilesText(dir);
    for (const encoded of encodingsOf(PASSWORD)) expect(text).not.toContain(encoded);
    expect(store.describe()).toMatch(/safeStorage/);
  });

  it("refuses Linux's basic_text backend and an unavailable safeStorage", () => {
    expect(() => new SafeStorageSecretStore(dir, fakeSafeStorage('basic_text'))).toThrow(/basic_text/);
    expect(() => new SafeStorageSecretStore(dir, fakeSafeStorage('gnome_libsecret', false))).toThrow(/not available/);
  });

  it('falls back to the key file with a visible warning', () => {
    const linux = { platform: 'linux' as const };
    const fallback = chooseSecretStore(dir, fakeSafeStorage('basic_text'), linux);
    expect(fallback.store).toBeInstanceOf(KeyFileSecretStore);
    expect(fallback.warning).toMatch(/basic_text/);
    const desktop = chooseSecretStore(dir, fakeSafeStorage('kwallet5'), linux);
    expect(desktop.store).toBeInstanceOf(SafeStorageSecretStore);
    expect(desktop.warning).toBeNull();
    const headless = chooseSecretStore(dir, undefined, linux);
    expect(headless.store).toBeInstanceOf(KeyFileSecretStore);
    expect(headless.warning).toBeNull();
    expect(headless.store.describe()).toMatch(/0600/);
  });
});
