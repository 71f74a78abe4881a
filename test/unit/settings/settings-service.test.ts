import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackupLocationDocument, SettingsInput } from '../../../preload/api';
import { generateSelfSignedCertificate, type SelfSignedCertificate } from '../../../main/engine/certificates';
import { EngineError } from '../../../main/engine/errors';
import { scrubSecrets } from '../../../main/engine/redact';
import { KeyFileSecretStore, SECRET_NAMES } from '../../../main/engine/secrets';
import { SettingsService, SettingsStore } from '../../../main/engine/settings';

const PASSWORD = 'Sh@re-Passw0rd-Ünïcode';
const LEGACY_KEY = Buffer.alloc(32, 0x2a).toString('base64');
let certA: SelfSignedCertificate;
let certB: SelfSignedCertificate;
let dir: string;
let clock: Date;
let secrets: KeyFileSecretStore;
let service: SettingsService;
const roots: string[] = [];

beforeAll(() => {
  const now = new Date('2026-01-01T00:00:00Z');
  certA = generateSelfSignedCertificate({ dnsName: 'a.contoso.com', pfxPassword: 'unused-pfx-pass', now });
  certB = generateSelfSignedCertificate({ dnsName: 'b.contoso.com', pfxPassword: 'unused-pfx-pass', now });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-settings-svc-'));
  roots.push(dir);
  clock = new Date('2026-02-01T08:00:00.000Z');
  secrets = new KeyFileSecretStore(dir);
  const now = () => clock;
  service = new SettingsService({ store: new SettingsStore({ configDir: dir, secrets, now }), secrets, now });
});

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function firstSave(extra: SettingsInput = {}): SettingsInput {
  return {
    location: '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc',
    username: 'CONTOSO\\backupshareuser',
    password: PASSWORD,
    passwordConfirm: PASSWORD,
    frequencyHours: 12,
    retentionDays: 7,
    certificateBase64: certA.cerDer.toString('base64'),
    ...extra,
  };
}

function failure(action: () => unknown): EngineError {
  try {
    action();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

function legacyDocument(): BackupLocationDocument {
  return {
    properties: {
      externalStoreDefault: {
        path: '\\\\10.0.0.5\\backups',
        userName: 'CONTOSO\\backup',
        password: PASSWORD,
        encryptionKeyBase64: LEGACY_KEY,
        isBackupSchedulerEnabled: true,
        backupFrequencyInHours: 8,
        backupRetentionPeriodInDays: 5,
      },
    },
  };
}

function encodingsOf(secret: string): string[] {
  const utf8 = Buffer.from(secret, 'utf8');
  return [
    secret,
    utf8.toString('base64'),
    utf8.toString('base64url'),
    utf8.toString('hex'),
    utf8.toString('hex').toUpperCase(),
    Buffer.from(secret, 'utf16le').toString('latin1'),
    Buffer.from(secret, 'utf16le').toString('base64'),
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
  ];
}

describe('first save', () => {
  it('requires the password twice and a certificate, naming the field', () => {
    const noPassword = failure(() => service.save(firstSave({ password: undefined, passwordConfirm: undefined })));
    expect(noPassword.code).toBe('invalid-input');
    expect(noPassword.field).toBe('password');
    expect(failure(() => service.save(firstSave({ passwordConfirm: 'different' }))).field).toBe('passwordConfirm');
    const noCertificate = failure(() => service.save(firstSave({ certificateBase64: undefined })));
    expect(noCertificate.field).toBe('certificate');
    expect(noCertificate.message).toMatch(/required for a new configuration/);
    expect(failure(() => service.save(firstSave({ frequencyHours: 13 }))).field).toBe('frequencyHours');
    expect(service.view().configured).toBe(false);
  });

  it('refuses a .pfx given as the certificate', () => {
    const error = failure(() => service.save(firstSave({ certificateBase64: certA.pfxDer.toString('base64') })));
    expect(error.field).toBe('certificate');
    expect(error.message).toMatch(/PKCS#12/);
  });

  it('saves; the view says "password set" and never carries the password', () => {
    const view = service.save(firstSave());
    expect(view).toMatchObject({
      configured: true,
      locationKind: 'smb',
      username: 'CONTOSO\\backupshareuser',
      passwordSet: true,
      frequencyHours: 12,
      retentionDays: 7,
      encryption: { mode: 'certificate', certificate: { thumbprint: certA.info.thumbprint, subject: 'CN=a.contoso.com' } },
    });
    const reread = service.view();
    for (const encoded of encodingsOf(PASSWORD)) expect(JSON.stringify(reread)).not.toContain(encoded);
    expect(service.sharePassword()).toBe(PASSWORD);
  });

  it('the password is in no file of the config folder, in any encoding', () => {
    service.save(firstSave());
    service.save({ frequencyHours: 6 });
    const files = readdirSync(dir);
    expect(files).toContain('settings.json');
    for (const name of files) {
      const content = readFileSync(join(dir, name)).toString('latin1');
      for (const encoded of encodingsOf(PASSWORD)) expect(content, `${name} contains ${encoded}`).not.toContain(encoded);
    }
  });

  it('a local folder needs no account and carries the "not a separate device" warning', () => {
    const view = service.save({ location: '/srv/backups', certificateBase64: certA.cerDer.toString('base64') });
    expect(view.locationKind).toBe('local');
    expect(view.locationWarning).toMatch(/not a separate device/);
  });
});

describe('later saves and certificate history', () => {
  it('a full form with empty password fields keeps the stored password', () => {
    service.save(firstSave());
    const view = service.save({ ...firstSave(), password: '', passwordConfirm: '', certificateBase64: '', frequencyHours: 5 });
    expect(view).toMatchObject({ passwordSet: true, frequencyHours: 5, encryption: { mode: 'certificate' } });
    expect(service.sharePassword()).toBe(PASSWORD);
    expect(failure(() => service.save({ password: '', passwordConfirm: 'x' })).field).toBe('password');
  });

  it('changes single fields without re-entering the password', () => {
    service.save(firstSave());
    expect(service.save({ retentionDays: 14, automaticBackups: false }).retentionDays).toBe(14);
    expect(service.stored().automaticBackupsDisabledSince).toBe(clock.toISOString());
  });

  it('rotating the certificate keeps the history with first and last use', () => {
    service.save(firstSave());
    clock = new Date('2026-02-10T08:00:00.000Z');
    service.markCertificateUsed(certA.info.thumbprint);
    clock = new Date('2026-03-01T08:00:00.000Z');
    service.save({ certificateBase64: certB.cerDer.toString('base64') });
    const history = service.certificateHistory();
    expect(history).toEqual([
      expect.objectContaining({
        thumbprint: certA.info.thumbprint,
        firstUsed: '2026-02-01T08:00:00.000Z',
        lastUsed: '2026-03-01T08:00:00.000Z',
        current: false,
      }),
      expect.objectContaining({
        thumbprint: certB.info.thumbprint,
        firstUsed: '2026-03-01T08:00:00.000Z',
        current: true,
        pfxConfirmed: false,
      }),
    ]);
  });

  it('going back to an earlier certificate keeps its first use', () => {
    service.save(firstSave());
    clock = new Date('2026-03-01T08:00:00.000Z');
    service.save({ certificateBase64: certB.cerDer.toString('base64') });
    clock = new Date('2026-04-01T08:00:00.000Z');
    service.save({ certificateBase64: certA.cerDer.toString('base64') });
    const history = service.certificateHistory();
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({
      thumbprint: certA.info.thumbprint,
      firstUsed: '2026-02-01T08:00:00.000Z',
      lastUsed: '2026-04-01T08:00:00.000Z',
      current: true,
    });
    expect(history[1]).toMatchObject({ thumbprint: certB.info.thumbprint, lastUsed: '2026-04-01T08:00:00.000Z', current: false });
  });

  it('secrets of a refused save or import are registered for scrubbing', () => {
    const typed = 'Refused-Save-Secret-1';
    failure(() => service.save(firstSave({ password: typed, passwordConfirm: 'mismatch-xyz', certificateBase64: undefined })));
    expect(scrubSecrets(`log: ${typed}`)).toBe('log: ***');
    const imported = 'Refused-Import-Secret-2';
    const document = legacyDocument();
    document.properties.externalStoreDefault.password = imported;
    document.properties.externalStoreDefault.backupFrequencyInHours = 99;
    failure(() => service.importDocument(document));
    expect(scrubSecrets(`log: ${imported}`)).toBe('log: ***');
  });
});

describe('backwards-compatibility mode', () => {
  it('importing a document with encryptionKeyBase64 enters it, with the deprecation notice', () => {
    const view = service.importDocument(legacyDocument());
    expect(view.encryption).toMatchObject({ mode: 'legacy-key', keySet: true, deprecationNotice: expect.stringMatching(/deprecated/) });
    expect(view).toMatchObject({ location: '\\\\10.0.0.5\\backups', frequencyHours: 8, retentionDays: 5, passwordSet: true });
    expect(secrets.get(SECRET_NAMES.legacyEncryptionKey)).toBe(LEGACY_KEY);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain(LEGACY_KEY);
    const target = service.encryptionTarget();
    expect(target.mode === 'legacy-key' && target.key.toString('base64')).toBe(LEGACY_KEY);
  });

  it('the key may be replaced while in the mode', () => {
    service.importDocument(legacyDocument());
    const replacement = Buffer.alloc(32, 0x11).toString('base64');
    expect(service.save({ encryptionKeyBase64: replacement }).encryption.mode).toBe('legacy-key');
    expect(secrets.get(SECRET_NAMES.legacyEncryptionKey)).toBe(replacement);
  });

  it('key → certificate needs confirmation and is one-way', () => {
    service.importDocument(legacyDocument());
    const unconfirmed = failure(() => service.save({ certificateBase64: certA.cerDer.toString('base64') }));
    expect(unconfirmed.code).toBe('confirmation-required');
    expect(unconfirmed.field).toBe('confirmSwitchToCertificate');
    expect(service.view().encryption.mode).toBe('legacy-key');

    const switched = service.save({ certificateBase64: certA.cerDer.toString('base64'), confirmSwitchToCertificate: true });
    expect(switched.encryption.mode).toBe('certificate');
    expect(secrets.has(SECRET_NAMES.legacyEncryptionKey)).toBe(false);

    const back = failure(() => service.save({ encryptionKeyBase64: LEGACY_KEY }));
    expect(back.code).toBe('invalid-input');
    expect(back.field).toBe('encryptionKey');
    expect(back.message).toMatch(/not possible/);
    const reimport = failure(() => service.importDocument(legacyDocument()));
    expect(reimport.field).toBe('encryptionKey');
    expect(service.view().encryption.mode).toBe('certificate');
  });

  it('a new configuration cannot use a key through save', () => {
    const error = failure(() => service.save(firstSave({ certificateBase64: undefined, encryptionKeyBase64: LEGACY_KEY })));
    expect(error.field).toBe('encryptionKey');
    expect(service.view().configured).toBe(false);
  });
});

describe("a local folder in the station's own form", () => {
  it('on Linux C:\\Backups is refused (it is no absolute folder there), on save and on import, and nothing is stored', () => {
    const linux = new SettingsService({ store: new SettingsStore({ configDir: dir, secrets }), secrets, platform: 'linux' });
    expect(linux.localPaths).toBe('posix');
    const error = failure(() => linux.save(firstSave({ location: 'C:\\Backups' })));
    expect(error).toMatchObject({ code: 'invalid-input', field: 'location' });
    expect(error.message).toMatch(/C:\\Backups is a Windows folder path, and this station does not run Windows/);
    const document = legacyDocument();
    document.properties.externalStoreDefault.path = 'C:\\Backups';
    expect(failure(() => linux.importDocument(document)).message).toMatch(/is a Windows folder path/);
    expect(linux.view().configured).toBe(false);
    expect(linux.save(firstSave({ location: '/srv/backups' })).location).toBe('/srv/backups');
  });

  it('on Windows D:\\Backups is a local folder and /srv/backups is refused', () => {
    const windows = new SettingsService({ store: new SettingsStore({ configDir: dir, secrets }), secrets, platform: 'win32' });
    expect(windows.localPaths).toBe('windows');
    expect(failure(() => windows.save(firstSave({ location: '/srv/backups' }))).message).toMatch(/is not a Windows folder path/);
    expect(windows.save(firstSave({ location: 'D:\\Backups' }))).toMatchObject({ location: 'D:\\Backups', locationKind: 'local' });
  });
});

describe('export and import', () => {
  it('export never carries secrets or the certificate file', () => {
    service.save(firstSave());
    const document = service.exportDocument();
    expect(document.properties.externalStoreDefault).toEqual({
      path: '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc',
      userName: 'CONTOSO\\backupshareuser',
      password: null,
      encryptionCertBase64: null,
      encryptionCertThumbprint: certA.info.thumbprint,
      encryptionKeyBase64: null,
      isBackupSchedulerEnabled: true,
      backupFrequencyInHours: 12,
      backupRetentionPeriodInDays: 7,
      // The API's read-only fields: not known to the settings alone.
      availableCapacity: null,
      lastBackupTime: null,
      nextBackupTime: null,
      // The station's signing public key (made at configuration), for a station that must trust its backups.
      stationSigningPublicKey: service.view().signingPublicKey,
    });
    expect(service.view().signingPublicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const text = JSON.stringify(document);
    for (const encoded of encodingsOf(PASSWORD)) expect(text).not.toContain(encoded);
    expect(text).not.toContain(certA.cerDer.toString('base64').slice(0, 40));
  });

  it("export carries the API's read-only availableCapacity, lastBackupTime and nextBackupTime; import ignores them", () => {
    service.save(firstSave());
    const facts = { freeBytes: 29.6 * 1024 ** 4, lastBackupTime: '2026-11-29T06:00:00.000Z', nextBackupTime: '2026-11-29T18:00:00.000Z' };
    const document = service.exportDocument(facts);
    expect(document.properties.externalStoreDefault).toMatchObject({
      availableCapacity: '29.6 TB',
      lastBackupTime: '2026-11-29T06:00:00.000Z',
      nextBackupTime: '2026-11-29T18:00:00.000Z',
    });
    document.properties.externalStoreDefault.backupFrequencyInHours = 6;
    expect(service.importDocument(document)).toMatchObject({ frequencyHours: 6 });
  });

  it('export of a legacy configuration has no key', () => {
    service.importDocument(legacyDocument());
    const text = JSON.stringify(service.exportDocument());
    expect(text).not.toContain(LEGACY_KEY);
    expect(text).not.toContain(PASSWORD);
  });

  it('an exported document re-imports on the same station (keeps certificate and password)', () => {
    service.save(firstSave());
    const document = service.exportDocument();
    document.properties.externalStoreDefault.backupFrequencyInHours = 4;
    const view = service.importDocument(document);
    expect(view).toMatchObject({ frequencyHours: 4, passwordSet: true, encryption: { mode: 'certificate' } });
  });

  it('import on a fresh station needs the certificate; invalid fields are named', () => {
    const document = legacyDocument();
    delete document.properties.externalStoreDefault.encryptionKeyBase64;
    expect(failure(() => service.importDocument(document)).field).toBe('certificate');
    document.properties.externalStoreDefault.encryptionCertBase64 = certA.cerDer.toString('base64');
    document.properties.externalStoreDefault.backupFrequencyInHours = 3;
    expect(failure(() => service.importDocument(document)).field).toBe('frequencyHours');
    document.properties.externalStoreDefault.backupFrequencyInHours = 4;
    document.properties.externalStoreDefault.path = '\\\\server\\share\\..\\x';
    expect(failure(() => service.importDocument(document)).field).toBe('location');
    document.properties.externalStoreDefault.path = '\\\\server\\share';
    expect(service.importDocument(document).encryption.mode).toBe('certificate');
  });
});
