import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/engine/app/logger';
import { SAFE_STORAGE_SECRETS_NAME, SafeStorageSecretStore, chooseSecretStore, KeyFileSecretStore } from '../../../main/engine/secrets';
import { openWrappedKeySafeStorage, WRAPPED_KEY_FILE, type RemoteSafeStorage } from '../../../main/engine/host/wrapped-key-safe-storage';
import { fakeSafeStorage } from '../electron/stand-ins';

const PASSWORD = 'S3cret-Share-Pässword!';
const logger = createLogger({ level: 'silent' });
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-wrapped-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Main's safeStorage as the host reaches it over the port, counting what it is asked. */
function remoteOver(electron = fakeSafeStorage()): RemoteSafeStorage & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    encrypt: async (plainText) => (asked.push('encrypt'), electron.encryptString(plainText).toString('base64')),
    decrypt: async (cipherBase64) => (asked.push('decrypt'), electron.decryptString(Buffer.from(cipherBase64, 'base64'))),
  };
}
const usable = { available: true, backend: 'gnome_libsecret' };

function filesText(): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
}

describe('safeStorage for the engine in its own process (a data key wrapped by main)', () => {
  it('keeps secrets sealed on disk, asking main once per start: to wrap a new data key, then to unwrap it', async () => {
    const remote = remoteOver();
    const first = new SafeStorageSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, remote, logger));
    first.set('share-password', PASSWORD);
    expect(remote.asked).toEqual(['encrypt']);
    expect(existsSync(join(dir, WRAPPED_KEY_FILE))).toBe(true);
    const text = filesText();
    for (const form of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex')])
      expect(text).not.toContain(form);

    const again = new SafeStorageSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, remote, logger));
    expect(again.get('share-password')).toBe(PASSWORD);
    expect(remote.asked).toEqual(['encrypt', 'decrypt']);
  });

  it('is useless without the keyring that wrapped its key', async () => {
    new SafeStorageSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, remoteOver(), logger)).set('share-password', PASSWORD);
    const otherMachine = remoteOver({
      ...fakeSafeStorage(),
      decryptString: () => {
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      },
    });
    const store = new SafeStorageSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, otherMachine, logger));
    expect(() => store.get('share-password')).toThrow(expect.objectContaining({ code: 'settings-corrupt' }));
    // the unreadable key is kept aside, never overwritten; a new one serves new secrets
    expect(readdirSync(dir).filter((name) => name.startsWith('secrets.safestorage.key.corrupt-'))).toHaveLength(1);
    store.set('share-password', 'new-password');
    expect(store.get('share-password')).toBe('new-password');
  });

  it('seals secrets stored before the engine had its own process (Electron ciphertexts), so none is lost', async () => {
    const electron = fakeSafeStorage();
    // what the desktop wrote when the engine ran inside main
    new SafeStorageSecretStore(dir, electron).set('share-password', PASSWORD);
    const stored = () => JSON.parse(readFileSync(join(dir, SAFE_STORAGE_SECRETS_NAME), 'utf8')).entries['share-password'] as string;
    expect(Buffer.from(stored(), 'base64').subarray(0, 3).toString()).toBe('v11');

    const store = new SafeStorageSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, remoteOver(electron), logger));
    expect(store.get('share-password')).toBe(PASSWORD);
    expect(Buffer.from(stored(), 'base64').subarray(0, 5).toString()).toBe('IBCW1');
  });

  it('leaves an earlier secret main cannot open as it is: it reads as "enter the password again"', async () => {
    new SafeStorageSecretStore(dir, fakeSafeStorage()).set('share-password', PASSWORD);
    const refusing = remoteOver({
      ...fakeSafeStorage(),
      decryptString: () => {
        throw new Error('keyring locked');
      },
    });
    const store = new SafeStorageSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, refusing, logger));
    expect(() => store.get('share-password')).toThrow(expect.objectContaining({ code: 'settings-corrupt' }));
    expect(store.has('share-password')).toBe(true);
  });

  it('falls back to the key file when safeStorage says it works but will not wrap a key', async () => {
    const broken = remoteOver({
      ...fakeSafeStorage(),
      encryptString: () => {
        throw new Error('Encryption is not available.');
      },
    });
    const chosen = chooseSecretStore(dir, await openWrappedKeySafeStorage(dir, usable, broken, logger));
    expect(chosen.store).toBeInstanceOf(KeyFileSecretStore);
    expect(chosen.warning).toMatch(/key file/);
    expect(existsSync(join(dir, WRAPPED_KEY_FILE))).toBe(false);
  });

  it('asks main nothing when its safeStorage is unusable; the engine falls back to the key file', async () => {
    for (const facts of [
      { available: false, backend: null },
      { available: true, backend: 'basic_text' },
    ]) {
      const remote = remoteOver();
      const chosen = chooseSecretStore(dir, await openWrappedKeySafeStorage(dir, facts, remote, logger));
      expect(remote.asked).toEqual([]);
      expect(chosen.store).toBeInstanceOf(KeyFileSecretStore);
      expect(chosen.warning).toMatch(/key file/);
    }
    expect(existsSync(join(dir, WRAPPED_KEY_FILE))).toBe(false);
  });
});
