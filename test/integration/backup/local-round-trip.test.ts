import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { backupNow, makeSourceTree, MARKER, PFX_PASSWORD, succeeded, testCertificate, treeDigest } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

describe('backup → list → verify → restore on a local-folder location', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  let store: string;
  let source: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    store = join(temp.path, 'share');
    source = join(temp.path, 'source');
    await makeSourceTree(source);
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    await engine.saveSettings({ location: store, certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.addSource({ name: 'files', folder: source });
    await engine.station.addCommandSource({ name: 'export', command: `printf '%s' 'command output ${MARKER}'` });
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  it('takes a backup that is listed as Succeeded, with no plaintext on the share', async () => {
    const summary = succeeded(await backupNow(engine));
    expect(summary.state).toBe('Succeeded');
    const listed = await engine.listBackups();
    expect(listed.map((b) => b.backupId)).toEqual([summary.backupId]);
    expect(listed[0]).toMatchObject({
      state: 'Succeeded',
      trigger: 'on-demand',
      recoveryReady: true,
      certificateThumbprint: testCertificate().info.thumbprint,
    });
    const folder = join(store, 'MASBackup', summary.backupId);
    expect((await readdir(folder)).sort()).toEqual(['export.bin', 'files.bin', 'manifest.json']);
    for (const name of await readdir(folder)) {
      const bytes = await readFile(join(folder, name));
      expect(bytes.includes(Buffer.from(MARKER))).toBe(false);
    }
    // nothing else was left on the share: no lock, no heartbeat, no .partial
    expect(await readdir(join(store, 'MASBackup'))).toEqual([summary.backupId]);
  });

  it('verifies without the key and deeply with the .pfx, and restores a byte-identical tree', async () => {
    const [backup] = await engine.listBackups();
    const id = backup!.backupId;
    expect((await engine.verifyBackup({ backupId: id })).ok).toBe(true);
    const pfx = { kind: 'pfx' as const, pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD };
    const deep = await engine.verifyBackup({ backupId: id, key: pfx });
    expect(deep).toMatchObject({ ok: true, deep: true });
    const target = join(temp.path, 'restored');
    const restored = await engine.restoreBackup({ backupId: id, targetFolder: target, key: pfx });
    expect(restored.components.map((c) => c.name).sort()).toEqual(['export', 'files']);
    expect(await treeDigest(join(target, 'files'))).toEqual(await treeDigest(source));
    expect(await readFile(join(target, 'export', 'output.bin'), 'utf8')).toBe(`command output ${MARKER}`);
    expect(restored.components.find((c) => c.name === 'export')).toMatchObject({ files: 1, bytes: `command output ${MARKER}`.length });
  });

  it('refuses a wrong .pfx password with a clear wrong-key error and writes nothing', async () => {
    const [backup] = await engine.listBackups();
    const target = join(temp.path, 'restored-wrong');
    await expect(
      engine.restoreBackup({
        backupId: backup!.backupId,
        targetFolder: target,
        key: { kind: 'pfx', pfxBase64: testCertificate().pfxDer.toString('base64'), password: 'wrong' },
      }),
    ).rejects.toMatchObject({ code: 'wrong-key' });
  });

  it('cancel stops a running job: it finishes as cancelled and nothing new is listed', async () => {
    await engine.station.addCommandSource({ name: 'slow', command: 'sleep 20; echo late' });
    try {
      const before = (await engine.listBackups()).length;
      const finished = new Promise<{ error: { code: string } | null }>((resolve) => {
        const stop = engine.onEvent((event) => {
          if (event.type === 'job-finished') {
            stop();
            resolve(event);
          }
        });
      });
      await engine.startBackup();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await engine.cancelBackup();
      expect((await finished).error?.code).toBe('cancelled');
      expect(await engine.listBackups()).toHaveLength(before);
      expect((await readdir(join(store, 'MASBackup'))).filter((name) => name.endsWith('.partial'))).toEqual([]);
    } finally {
      await engine.station.removeSource('slow');
    }
  });
});
