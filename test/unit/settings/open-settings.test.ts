import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSettings } from '../../../main/engine/settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-open-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openSettings', () => {
  it('headless: key-file secrets, no warning, unconfigured view', () => {
    const opened = openSettings({ configDir: dir });
    expect(opened.secretStorage).toMatch(/0600/);
    expect(opened.secretStorageWarning).toBeNull();
    expect(opened.service.view()).toMatchObject({
      configured: false,
      locationKind: 'unset',
      passwordSet: false,
      frequencyHours: 12,
      retentionDays: 7,
      smbPort: 445,
    });
  });

  it("desktop with Linux's basic_text backend: falls back to the key file with a warning", () => {
    const opened = openSettings({
      configDir: dir,
      safeStorage: {
        isEncryptionAvailable: () => true,
        encryptString: (text) => Buffer.from(text),
        decryptString: (data) => data.toString(),
        getSelectedStorageBackend: () => 'basic_text',
      },
    });
    expect(opened.secretStorageWarning).toMatch(/basic_text/);
    expect(opened.secretStorage).toMatch(/key .*0600/);
  });
});
