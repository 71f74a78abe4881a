import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../preload/api';
import { EngineError } from '../../../main/engine/errors';
import { createSettingsApi, openSettings, type SettingsApi } from '../../../main/engine/settings';

let dir: string;
let api: SettingsApi;
let changes: SettingsView[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-settings-api-'));
  changes = [];
  api = createSettingsApi(openSettings({ configDir: dir }).service, { onSettingsChanged: (view) => changes.push(view) });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings contract methods', () => {
  it('generate → inspect → save → show → export, as an operator does it', async () => {
    const generated = await api.generateCertificate({
      dnsName: 'backup.contoso.com',
      years: 1,
      pfxPassword: 'Pfx-Password-1',
      pfxPasswordConfirm: 'Pfx-Password-1',
    });
    const info = await api.inspectCertificate({ certificateBase64: generated.cerBase64 });
    expect(info.thumbprint).toBe(generated.certificate.thumbprint);
    const saved = await api.saveSettings({
      location: '\\\\fileserver01.contoso.com\\AzSBackups',
      username: 'CONTOSO\\backup',
      password: 'Share-Password-1',
      passwordConfirm: 'Share-Password-1',
      certificateBase64: generated.cerBase64,
    });
    expect(changes).toEqual([saved]);
    expect(await api.getSettings()).toEqual(saved);
    expect(saved.encryption.mode === 'certificate' && saved.encryption.certificate.thumbprint).toBe(info.thumbprint);
    expect((await api.getCertificateHistory()).map((entry) => entry.thumbprint)).toEqual([info.thumbprint]);
    expect((await api.exportSettings()).properties.externalStoreDefault.password).toBeNull();
    expect((await api.generateLegacyKey()).keyBase64).toHaveLength(44);
  });

  it('rejects with typed errors naming the field', async () => {
    await expect(api.saveSettings({ frequencyHours: 3 })).rejects.toBeInstanceOf(EngineError);
    await expect(api.saveSettings({ location: '\\\\server\\share\\..' })).rejects.toMatchObject({
      code: 'invalid-input',
      field: 'location',
    });
    await expect(api.importSettings({ document: { properties: {} } as never })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(changes).toEqual([]);
  });
});
