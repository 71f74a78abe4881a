import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFileSecretStore, SECRET_NAMES } from '../../../main/engine/secrets';
import { SettingsStore, defaultStoredSettings, type SettingsBackend } from '../../../main/engine/settings';

let dir: string;
const now = () => new Date('2026-03-01T10:00:00.000Z');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function newStore(): { store: SettingsStore; secrets: KeyFileSecretStore } {
  const secrets = new KeyFileSecretStore(dir);
  return { store: new SettingsStore({ configDir: dir, secrets, now }), secrets };
}

const settingsPath = () => join(dir, 'settings.json');
const asideFiles = () => readdirSync(dir).filter((name) => name.startsWith('settings.corrupt-'));

describe('SettingsStore', () => {
  it('starts with defaults and writes the versioned schema through conf', () => {
    const { store } = newStore();
    expect(store.read()).toEqual(defaultStoredSettings());
    store.write({ ...defaultStoredSettings(), configured: true, location: '\\\\fs01\\backups', username: 'CONTOSO\\b', frequencyHours: 6 });
    const onDisk = JSON.parse(readFileSync(settingsPath(), 'utf8')) as Record<string, unknown>;
    expect(onDisk.schemaVersion).toBe(1);
    expect(onDisk.frequencyHours).toBe(6);
    expect(newStore().store.read().location).toBe('\\\\fs01\\backups');
    expect(statSync(settingsPath()).mode & 0o077).toBe(0);
  });

  it('writes atomically: the file is replaced (new inode), never rewritten in place', () => {
    const { store } = newStore();
    store.write({ ...defaultStoredSettings(), frequencyHours: 6 });
    const before = statSync(settingsPath()).ino;
    store.write({ ...defaultStoredSettings(), frequencyHours: 8 });
    expect(statSync(settingsPath()).ino).not.toBe(before);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('keeps keys of other engine areas (sources, schedule) across writes', () => {
    const { store } = newStore();
    store.update((settings) => ({ ...settings, sources: [{ name: 'ca', folder: '/srv/ca' }], schedule: { anchor: 'x' } }));
    store.update((settings) => ({ ...settings, frequencyHours: 5 }));
    const read = newStore().store.read();
    expect(read.sources).toEqual([{ name: 'ca', folder: '/srv/ca' }]);
    expect(read.schedule).toEqual({ anchor: 'x' });
    expect(read.frequencyHours).toBe(5);
  });

  it('garbage JSON is kept aside, reported, and the console starts unconfigured', () => {
    writeFileSync(settingsPath(), '{"schemaVersion": 1, "location": ');
    const { store } = newStore();
    expect(store.read()).toEqual(defaultStoredSettings());
    const aside = asideFiles();
    expect(aside).toEqual(['settings.corrupt-2026-03-01T10-00-00-000Z.json']);
    expect(readFileSync(join(dir, aside[0] ?? ''), 'utf8')).toBe('{"schemaVersion": 1, "location": ');
    expect(store.notices().join(' ')).toMatch(/not valid JSON.*kept as .*settings\.corrupt-/);
    // and the store works afterwards
    store.write({ ...defaultStoredSettings(), frequencyHours: 9 });
    expect(newStore().store.read().frequencyHours).toBe(9);
  });

  it('valid JSON with invalid values (hand edit) is kept aside with the field and rule', () => {
    const { store: writer } = newStore();
    writer.write({ ...defaultStoredSettings(), configured: true, location: '\\\\fs01\\backups', username: 'C\\u' });
    const edited = JSON.parse(readFileSync(settingsPath(), 'utf8')) as Record<string, unknown>;
    edited.frequencyHours = 3;
    writeFileSync(settingsPath(), JSON.stringify(edited));
    const { store } = newStore();
    expect(store.read().configured).toBe(false);
    expect(store.notices().join(' ')).toMatch(/frequencyHours: Frequency in hours must be from 4 to 12/);
    expect(asideFiles()).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, asideFiles()[0] ?? ''), 'utf8'))).toEqual(edited);
  });

  it('a file broken while the console runs is kept aside too, and two aside files do not collide', () => {
    const { store } = newStore();
    store.write(defaultStoredSettings());
    writeFileSync(settingsPath(), '[1,2');
    expect(store.read()).toEqual(defaultStoredSettings());
    writeFileSync(settingsPath(), JSON.stringify({ schemaVersion: 99 }));
    expect(store.read()).toEqual(defaultStoredSettings());
    expect(asideFiles()).toHaveLength(2);
    expect(store.notices().join(' ')).toMatch(/schemaVersion 99 is newer/);
  });

  it('migrates a version 0 file with a legacy key and a plaintext password: secrets move to the SecretStore', () => {
    const legacyKey = Buffer.alloc(32, 9).toString('base64');
    writeFileSync(
      settingsPath(),
      JSON.stringify({
        path: '\\\\fs01.contoso.com\\AzSBackups\\',
        userName: 'CONTOSO\\backup',
        password: 'Old-Plaintext-Pw1',
        encryptionKeyBase64: legacyKey,
        backupFrequencyInHours: 8,
        backupRetentionPeriodInDays: 5,
        isBackupSchedulerEnabled: false,
      }),
    );
    const { store, secrets } = newStore();
    const settings = store.read();
    expect(settings).toMatchObject({
      schemaVersion: 1,
      configured: true,
      location: '\\\\fs01.contoso.com\\AzSBackups',
      username: 'CONTOSO\\backup',
      frequencyHours: 8,
      retentionDays: 5,
      automaticBackups: false,
      encryption: { mode: 'legacy-key' },
    });
    expect(secrets.get(SECRET_NAMES.legacyEncryptionKey)).toBe(legacyKey);
    expect(secrets.get(SECRET_NAMES.sharePassword)).toBe('Old-Plaintext-Pw1');
    const file = readFileSync(settingsPath(), 'utf8');
    expect(file).not.toContain(legacyKey);
    expect(file).not.toContain('Old-Plaintext-Pw1');
    expect(store.notices().join(' ')).toMatch(/backwards-compatibility mode/);
    expect(asideFiles()).toEqual([]);
  });

  it('accepts an injected backend (electron-store shape) and refuses one pointing elsewhere', () => {
    const memory: Record<string, unknown> = {};
    const backend: SettingsBackend = {
      path: join(dir, 'settings.json'),
      get store() {
        return { ...memory };
      },
      set store(value) {
        for (const key of Object.keys(memory)) delete memory[key];
        Object.assign(memory, value);
      },
    };
    const store = new SettingsStore({ configDir: dir, secrets: new KeyFileSecretStore(dir), openBackend: () => backend, now });
    store.write({ ...defaultStoredSettings(), retentionDays: 3 });
    expect(memory.retentionDays).toBe(3);
    expect(existsSync(settingsPath())).toBe(false);
    const elsewhere = new SettingsStore({
      configDir: dir,
      secrets: new KeyFileSecretStore(dir),
      openBackend: () => ({ ...backend, path: '/tmp/other.json' }),
      now,
    });
    expect(() => elsewhere.read()).toThrow(/instead of/);
  });
});
