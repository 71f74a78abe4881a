import { beforeEach, describe, expect, it } from 'vitest';
import { useSettingsStore } from '../../../renderer/src/stores/settings';
import { freshStores, type FakeTransport } from './fake-transport';
import { CONFIGURED, UNCONFIGURED, backup } from './views';

describe('configuration panel store', () => {
  let engine: FakeTransport;
  beforeEach(() => {
    engine = freshStores();
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
      ['certificate', 'frequencyHours', 'location', 'password', 'passwordConfirm', 'retentionDays', 'username'].sort(),
    );
    store.form.location = '/srv/backups';
    expect(store.requiredFields.has('username')).toBe(false);
    expect(store.requiredFields.has('password')).toBe(false);

    engine.answer('getSettings', () => CONFIGURED);
    await store.load();
    store.discard();
    expect([...store.requiredFields].sort()).toEqual(['frequencyHours', 'location', 'retentionDays', 'username']);
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
});
