import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { declaredBackupInfo } from '../../../main/engine/sources/backup-info';
import { ensureSampleStamp } from '../../../main/engine/sources/sample-stamp';
import { makeTempDir } from '../../support/temp-dir';
import { configuredEngine, type EngineHarness } from './engine-harness';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

describe("backup metadata under Azure Stack's backupInfo names", () => {
  it('a source that declares stampVersion, deploymentID and oemVersion puts them in the backup, its details and the list', async () => {
    h = await configuredEngine();
    const source = join(h.configDir, '..', 'source');
    await writeFile(
      join(source, 'backup-info.json'),
      JSON.stringify({ stampVersion: '1.2408.1.50', deploymentID: '3f1c9a2e-0000-4000-8000-00000000beef', oemVersion: '2.1.0' }),
    );
    await h.engine.startBackup();
    await h.engine.whenIdle();
    const [listed] = await h.engine.listBackups();
    const expected = {
      backupDataVersion: '2',
      stampVersion: '1.2408.1.50',
      deploymentID: '3f1c9a2e-0000-4000-8000-00000000beef',
      oemVersion: '2.1.0',
      timeTakenToCreate: expect.stringMatching(/^PT/),
      roleStatus: [{ roleName: 'files', status: 'Succeeded' }],
    };
    expect(listed?.backupInfo).toEqual(expected);
    expect((await h.engine.getBackup({ backupId: listed?.backupId ?? '' })).backupInfo).toEqual(expected);
  });

  it('a backup whose sources declare nothing says so (null), with its data version, duration and roles', async () => {
    h = await configuredEngine();
    await h.engine.startBackup();
    await h.engine.whenIdle();
    const [listed] = await h.engine.listBackups();
    expect((await h.engine.getBackup({ backupId: listed?.backupId ?? '' })).backupInfo).toMatchObject({
      backupDataVersion: '2',
      stampVersion: null,
      deploymentID: null,
      oemVersion: null,
      roleStatus: [{ roleName: 'files', status: 'Succeeded' }],
    });
  });

  it("a command source's declaration (sources.json) speaks for the backup when it is the first source that declares any", async () => {
    const temp = await makeTempDir();
    try {
      const command = {
        name: 'db',
        kind: 'command' as const,
        command: 'printf x',
        timeoutSeconds: 60,
        backupInfo: { stampVersion: '1.2408.1.50', backupDataVersion: '7' },
      };
      const silentFolder = { name: 'files', kind: 'folder' as const, folder: temp.path };
      expect(await declaredBackupInfo([silentFolder, command], () => undefined)).toEqual({
        stampVersion: '1.2408.1.50',
        backupDataVersion: '7',
      });
      await writeFile(join(temp.path, 'backup-info.json'), JSON.stringify({ stampVersion: '1.0' }));
      expect(await declaredBackupInfo([silentFolder, command], () => undefined)).toEqual({ stampVersion: '1.0' });
      expect(await declaredBackupInfo([{ ...command, backupInfo: undefined }], () => undefined)).toEqual({});
    } finally {
      await temp.remove();
    }
  });

  it('the bundled sample stamp declares its version, deployment ID and OEM version; a malformed declaration is ignored with a warning', async () => {
    const temp = await makeTempDir();
    try {
      const sources = await ensureSampleStamp(join(temp.path, 'sample'));
      expect(await declaredBackupInfo(sources, () => undefined)).toEqual({
        stampVersion: '1.2406.0.8',
        deploymentID: expect.stringMatching(/^[0-9a-f-]{36}$/),
        oemVersion: '2.3.2406.1',
      });
      await writeFile(join(temp.path, 'backup-info.json'), JSON.stringify({ stampVersion: 42 }));
      const warnings: string[] = [];
      expect(await declaredBackupInfo([{ name: 'x', kind: 'folder', folder: temp.path }], (w) => warnings.push(w))).toEqual({});
      expect(warnings).toEqual([expect.stringContaining('backup-info.json')]);
    } finally {
      await temp.remove();
    }
  });
});
