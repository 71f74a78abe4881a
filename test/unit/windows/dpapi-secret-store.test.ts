import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseSecretStore,
  DPAPI_SECRETS_NAME,
  DpapiSecretStore,
  KEY_FILE_NAME,
  KEY_FILE_SECRETS_NAME,
  KeyFileSecretStore,
  type Dpapi,
  type SafeStorageLike,
} from '../../../main/engine/secrets';
import { EngineError } from '../../../main/engine/errors';

const PASSWORD = 'S3cret-Share-Pässword!';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-dpapi-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in for DPAPI with its two properties that matter here: the
 * ciphertext is not the plaintext, and it opens only with the same entropy
 * for the same "user".
 */
function standInDpapi(user = 'CONTOSO\\svc-backup'): Dpapi & { calls: string[] } {
  const calls: string[] = [];
  const mask = (data: Buffer) => Buffer.from(data.map((byte, i) => byte ^ (0x5a + i)));
  return {
    calls,
    protect(plaintext, entropy) {
      calls.push(`protect ${entropy.toString()}`);
      return Buffer.concat([Buffer.from(`${user}|${entropy.toString()}|`), mask(plaintext)]);
    },
    unprotect(ciphertext, entropy) {
      calls.push(`unprotect ${entropy.toString()}`);
      const prefix = Buffer.from(`${user}|${entropy.toString()}|`);
      if (!ciphertext.subarray(0, prefix.length).equals(prefix)) throw new Error('CryptUnprotectData failed (Windows error 13)');
      return mask(ciphertext.subarray(prefix.length));
    },
  };
}

const unusableSafeStorage: SafeStorageLike = {
  isEncryptionAvailable: () => false,
  encryptString: () => Buffer.alloc(0),
  decryptString: () => '',
};

describe('DPAPI secret store (headless Windows)', () => {
  it('round-trips through DPAPI bound to the secret name, and keeps only ciphertext on disk', () => {
    const dpapi = standInDpapi();
    const store = new DpapiSecretStore(dir, dpapi);
    store.set('share-password', PASSWORD);
    expect(new DpapiSecretStore(dir, dpapi).get('share-password')).toBe(PASSWORD);
    expect(dpapi.calls).toEqual(['protect share-password', 'unprotect share-password']);
    expect(readdirSync(dir)).toEqual([DPAPI_SECRETS_NAME]);
    expect(readFileSync(join(dir, DPAPI_SECRETS_NAME), 'utf8')).not.toContain(PASSWORD);
    expect(store.describe()).toMatch(/DPAPI/);
  });

  it('says what to do when another account (or machine) stored the secret', () => {
    new DpapiSecretStore(dir, standInDpapi('CONTOSO\\alice')).set('share-password', PASSWORD);
    const other = new DpapiSecretStore(dir, standInDpapi('CONTOSO\\bob'));
    expect(() => other.get('share-password')).toThrow(EngineError);
    expect(() => other.get('share-password')).toThrow(/another account or machine/);
  });

  it('is the headless choice on Windows, and the fallback of a Windows desktop without safeStorage', () => {
    const dpapi = standInDpapi();
    expect(chooseSecretStore(dir, undefined, { platform: 'win32', dpapi }).store).toBeInstanceOf(DpapiSecretStore);
    const fallback = chooseSecretStore(dir, unusableSafeStorage, { platform: 'win32', dpapi });
    expect(fallback.store).toBeInstanceOf(DpapiSecretStore);
    expect(fallback.warning).toMatch(/DPAPI/);
    expect(chooseSecretStore(dir, undefined, { platform: 'linux', dpapi }).store).toBeInstanceOf(KeyFileSecretStore);
    expect(existsSync(join(dir, KEY_FILE_NAME))).toBe(false);
  });

  it('moves secrets an earlier version kept in the key file into DPAPI, and removes the key file', () => {
    new KeyFileSecretStore(dir).set('share-password', PASSWORD);
    expect(existsSync(join(dir, KEY_FILE_NAME))).toBe(true);
    const { store } = chooseSecretStore(dir, undefined, { platform: 'win32', dpapi: standInDpapi() });
    expect(store.get('share-password')).toBe(PASSWORD);
    expect(readdirSync(dir).sort()).toEqual([DPAPI_SECRETS_NAME]);
    expect(existsSync(join(dir, KEY_FILE_SECRETS_NAME))).toBe(false);
  });
});
