import { beforeEach, describe, expect, it } from 'vitest';
import { useSettingsStore } from '../../../renderer/src/stores/settings';
import { freshStores, type FakeTransport } from './fake-transport';
import { useAppStore } from '../../../renderer/src/stores/app';
import type { ShareTestResult, TestShareInput } from '../../../preload/api';
import { CONFIGURED, UNCONFIGURED, appInfo, backup } from './views';

const TYPO = '\\\\127.0.0.1\\nosuchshare\\typo';

/** What the engine answers for a share whose name does not exist: a path failure, naming the location it tried. */
function pathFailure(input: TestShareInput): ShareTestResult {
  return {
    location: `${input.location ?? ''} (port ${input.smbPort ?? 445})`,
    reachable: true,
    authenticated: false,
    writable: false,
    dialect: null,
    encrypted: false,
    freeBytes: null,
    totalBytes: null,
    steps: [{ step: 'reachability', ok: false, detail: 'The share nosuchshare does not exist.' }],
    failure: {
      code: 'share',
      category: 'path',
      message: 'The backup storage location cannot be found.',
      remediation: 'Check the share and folder names.',
    },
  };
}

function passedTest(input: TestShareInput): ShareTestResult {
  const { failure: _failure, ...rest } = pathFailure(input);
  return { ...rest, reachable: true, authenticated: true, writable: true, steps: [] };
}

/** A first configuration typed in full, with a certificate chosen. */
async function typedFirstConfiguration(engine: FakeTransport): Promise<ReturnType<typeof useSettingsStore>> {
  engine.answer('getSettings', () => UNCONFIGURED).answer('inspectCertificate', () => CONFIGURED_CERTIFICATE);
  const store = useSettingsStore();
  await store.load();
  Object.assign(store.form, {
    location: TYPO,
    username: 'CONTOSO\\backup',
    password: 'typed secret',
    passwordConfirm: 'typed secret',
    smbPort: 4455,
  });
  await store.chooseCertificateFile('backup.cer', 'AAAA');
  return store;
}

const CONFIGURED_CERTIFICATE = CONFIGURED.encryption.mode === 'certificate' ? CONFIGURED.encryption.certificate : null!;

describe('configuration panel store', () => {
  let engine: FakeTransport;
  beforeEach(() => {
    engine = freshStores();
    // A share that passes its test, unless a test says otherwise.
    engine.answer('testShare', passedTest);
  });

  it('OK on an empty first configuration flags every missing field at once, and sends nothing', async () => {
    engine.answer('getSettings', () => UNCONFIGURED);
    const store = useSettingsStore();
    await store.load();
    expect(await store.save()).toBe(false);
    expect(Object.keys(store.fieldErrors).sort()).toEqual(['certificate', 'location', 'password', 'passwordConfirm', 'username']);
    expect(store.firstInvalidField).toBe('location');
    expect(store.feedback).toEqual({ tone: 'error', text: '5 fields need attention before saving.' });
    expect(engine.inputsOf('saveSettings')).toEqual([]);
  });

  it('marks as required only what the schema requires', async () => {
    engine.answer('getSettings', () => UNCONFIGURED);
    const store = useSettingsStore();
    await store.load();
    expect([...store.requiredFields].sort()).toEqual(
      ['almostFullPercent', 'certificate', 'frequencyHours', 'location', 'password', 'passwordConfirm', 'retentionDays', 'username'].sort(),
    );
    store.form.location = '/srv/backups';
    expect(store.requiredFields.has('username')).toBe(false);
    expect(store.requiredFields.has('password')).toBe(false);

    engine.answer('getSettings', () => CONFIGURED);
    await store.load();
    store.discard();
    expect([...store.requiredFields].sort()).toEqual(['almostFullPercent', 'frequencyHours', 'location', 'retentionDays', 'username']);
  });

  it('what the operator types before the saved settings arrive is kept, even a value equal to the default; the other fields show the saved ones', async () => {
    engine.answer('getSettings', () => ({ ...CONFIGURED, retentionDays: 14 }));
    const store = useSettingsStore();
    const loading = store.load();
    store.form.retentionDays = 7;
    store.touch('retentionDays');
    await loading;
    expect(store.form.retentionDays).toBe(7);
    expect(store.form.username).toBe(CONFIGURED.username);
    expect(store.form.location).toBe(CONFIGURED.location);
    expect(store.dirty).toBe(true);
  });

  it('a typed password is an unsaved change; discarding drops it', async () => {
    engine.answer('getSettings', () => CONFIGURED);
    const store = useSettingsStore();
    await store.load();
    expect(store.dirty).toBe(false);
    store.form.password = 'typed secret';
    expect(store.dirty).toBe(true);
    store.discard();
    expect(store.form.password).toBe('');
    expect(store.dirty).toBe(false);
  });

  it('a saved change reports success next to OK and keeps no secret', async () => {
    engine.answer('getSettings', () => CONFIGURED).answer('saveSettings', () => ({ ...CONFIGURED, frequencyHours: 8 }));
    const store = useSettingsStore();
    await store.load();
    store.form.frequencyHours = 8;
    store.form.password = store.form.passwordConfirm = 'new share password';
    expect(await store.save()).toBe(true);
    expect(engine.inputsOf('saveSettings')[0]).toMatchObject({ frequencyHours: 8, password: 'new share password' });
    expect(store.feedback).toEqual({ tone: 'success', text: 'Backup settings saved.' });
    expect(store.form.password).toBe('');
    expect(store.dirty).toBe(false);
  });

  it('the almost-full threshold is a field: loaded from the settings, checked as typed by the shared rule, and sent on OK', async () => {
    engine
      .answer('getSettings', () => ({ ...CONFIGURED, almostFullPercent: 90 }))
      .answer('saveSettings', () => ({ ...CONFIGURED, almostFullPercent: 85 }));
    const store = useSettingsStore();
    await store.load();
    expect(store.form.almostFullPercent).toBe(90);
    store.form.almostFullPercent = 120;
    store.touch('almostFullPercent');
    expect(store.fieldErrors.almostFullPercent).toMatch(/from 50 to 99/);
    store.form.almostFullPercent = 85;
    expect(store.fieldErrors.almostFullPercent).toBeUndefined();
    expect(await store.save()).toBe(true);
    expect(engine.inputsOf('saveSettings')[0]).toMatchObject({ almostFullPercent: 85 });
  });

  it('a shorter retention shows the backups it deletes before saving, and saves only when confirmed', async () => {
    const old = backup('20261101T000000Z-aaaaaa', 5 * 1024 ** 3);
    engine
      .answer('getSettings', () => CONFIGURED)
      .answer('previewRetention', ({ retentionDays }) => ({
        retentionDays,
        toDelete: [{ backupId: old.backupId, completedAt: old.completedAt, state: old.state }],
        keptNewestSuccessful: null,
        kept: [],
      }))
      .answer('saveSettings', () => ({ ...CONFIGURED, retentionDays: 3 }));
    const store = useSettingsStore();
    await store.load();
    store.form.retentionDays = 3;
    store.form.password = store.form.passwordConfirm = 'kept while asked';
    expect(await store.save()).toBe(false);
    expect(store.confirmation).toMatchObject({ kind: 'retention', preview: { toDelete: [{ backupId: old.backupId }] } });
    expect(engine.inputsOf('saveSettings')).toEqual([]);

    store.cancelConfirmation();
    expect(store.form.password).toBe('');
    expect(store.feedback?.text).toBe('Nothing was saved.');

    expect(await store.save()).toBe(false);
    expect(await store.confirm()).toBe(true);
    expect(engine.inputsOf('saveSettings')).toEqual([expect.objectContaining({ retentionDays: 3, confirmRetentionDeletion: true })]);
  });

  it('a refused certificate names the file, the reason and what to do', async () => {
    engine
      .answer('getSettings', () => UNCONFIGURED)
      .fail('inspectCertificate', {
        code: 'invalid-input',
        message: 'This file holds a private key.',
        remediation: 'Export the .cer without it.',
      });
    const store = useSettingsStore();
    await store.load();
    await store.chooseCertificateFile('backup.pfx', 'AAAA');
    expect(store.fieldErrors.certificate).toBe('backup.pfx was not accepted: This file holds a private key. Export the .cer without it.');
    expect(store.dirty).toBe(true);
  });

  it('an engine error naming a field lands on that field, with the outcome beside OK', async () => {
    engine
      .answer('getSettings', () => CONFIGURED)
      .fail('saveSettings', {
        code: 'invalid-input',
        field: 'location',
        message: 'The location must be an absolute path on this station.',
      });
    const store = useSettingsStore();
    await store.load();
    store.form.location = 'C:\\Backups';
    expect(await store.save()).toBe(false);
    expect(store.fieldErrors.location).toBe('The location must be an absolute path on this station.');
    expect(store.feedback).toMatchObject({ tone: 'error', text: 'The settings were not saved.' });
  });

  it.each([
    ['posix', 'C:\\Backups', /C:\\Backups is a Windows folder path, and this station does not run Windows/, '/srv/backups'],
    ['windows', '/srv/backups', /\/srv\/backups is not a Windows folder path/, 'D:\\Backups'],
  ] as const)(
    "on a %s station the form refuses the other platform's local folder, as the engine does",
    async (style, foreign, why, own) => {
      engine.answer('getSettings', () => UNCONFIGURED).answer('getAppInfo', () => appInfo(style));
      await useAppStore().load();
      const store = useSettingsStore();
      await store.load();
      store.form.location = foreign;
      store.touch('location');
      expect(store.fieldErrors.location).toMatch(why);
      expect(await store.save()).toBe(false);
      expect(engine.inputsOf('saveSettings')).toEqual([]);
      store.form.location = own;
      expect(store.fieldErrors.location).toBeUndefined();
    },
  );

  it('Test connection sends the form as typed, before the first save too, and names the location it tested', async () => {
    engine.answer('getSettings', () => UNCONFIGURED).answer('testShare', pathFailure);
    const store = useSettingsStore();
    await store.load();
    Object.assign(store.form, { location: TYPO, username: 'CONTOSO\\backup', password: 'typed secret', smbPort: 4455 });
    const result = await store.testConnection();
    expect(engine.inputsOf('testShare')).toEqual([
      { location: TYPO, username: 'CONTOSO\\backup', password: 'typed secret', smbPort: 4455 },
    ]);
    expect(result?.location).toBe(`${TYPO} (port 4455)`);
    expect(store.testResult?.failure?.category).toBe('path');

    // The result speaks of the values it tried: editing one of them takes it away.
    store.form.location = '\\\\127.0.0.1\\backup';
    store.touch('location');
    expect(store.testResult).toBeNull();
  });

  it('Test connection without a typed password lets the engine use the stored one; a field to correct is flagged, not sent', async () => {
    engine.answer('getSettings', () => CONFIGURED).answer('testShare', pathFailure);
    const store = useSettingsStore();
    await store.load();
    await store.testConnection();
    expect(engine.inputsOf('testShare')).toEqual([{ location: CONFIGURED.location, username: CONFIGURED.username, smbPort: 445 }]);

    store.form.location = '\\\\fileserver01\\bad?name';
    expect(await store.testConnection()).toBeNull();
    expect(store.fieldErrors.location).toMatch(/character \?/);
    expect(store.testError?.message).toBe('The connection was not tested: correct the marked fields first.');
    expect(engine.inputsOf('testShare')).toHaveLength(1);
  });

  it('OK on a first configuration tests the share first; a failure asks Save anyway or Back, and Back saves nothing', async () => {
    engine.answer('testShare', pathFailure).answer('saveSettings', () => CONFIGURED);
    const store = await typedFirstConfiguration(engine);
    expect(store.shareChanged).toBe(true);
    expect(await store.save()).toBe(false);
    expect(engine.inputsOf('testShare')).toEqual([
      { location: TYPO, username: 'CONTOSO\\backup', password: 'typed secret', smbPort: 4455 },
    ]);
    expect(store.confirmation).toMatchObject({ kind: 'share-test', result: { failure: { category: 'path' } } });
    expect(engine.inputsOf('saveSettings')).toEqual([]);

    store.cancelConfirmation();
    expect(store.confirmation).toBeNull();
    expect(engine.inputsOf('saveSettings')).toEqual([]);
    expect(store.feedback).toMatchObject({ tone: 'error', text: 'Nothing was saved.' });
    // Back to the form as typed, to correct it.
    expect(store.form).toMatchObject({ location: TYPO, password: 'typed secret' });

    expect(await store.save()).toBe(false);
    expect(await store.confirm()).toBe(true);
    expect(engine.inputsOf('saveSettings')).toEqual([expect.objectContaining({ location: TYPO, password: 'typed secret' })]);
  });

  it('OK saves at once when the share passes, and does not test when neither the share nor the account changed', async () => {
    engine.answer('saveSettings', () => CONFIGURED);
    const store = await typedFirstConfiguration(engine);
    expect(await store.save()).toBe(true);
    expect(engine.inputsOf('testShare')).toHaveLength(1);

    engine.answer('getSettings', () => CONFIGURED).answer('saveSettings', () => ({ ...CONFIGURED, frequencyHours: 8 }));
    await store.load();
    store.form.frequencyHours = 8;
    expect(store.shareChanged).toBe(false);
    expect(await store.save()).toBe(true);
    expect(engine.inputsOf('testShare')).toHaveLength(1);

    store.form.username = 'CONTOSO\\other';
    expect(store.shareChanged).toBe(true);
    store.form.username = CONFIGURED.username;
    store.form.password = 'a new password';
    expect(store.shareChanged).toBe(true);
  });

  it('Clear configuration sends the confirmation and shows the cleared settings in the form', async () => {
    engine.answer('getSettings', () => CONFIGURED).answer('clearConfiguration', () => UNCONFIGURED);
    const store = useSettingsStore();
    await store.load();
    expect(store.form.location).not.toBe('');
    expect(await store.clearConfiguration()).toBe(true);
    expect(engine.inputsOf('clearConfiguration')).toEqual([{ confirm: true }]);
    expect(store.saved?.configured).toBe(false);
    expect(store.form.location).toBe('');
  });
});
