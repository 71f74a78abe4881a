import { readdir, readFile, writeFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { startSamba, type SambaServer, shareSettingsFor } from '../../support/samba';
import { backupNow, makeSourceTree, MARKER, PFX_PASSWORD, succeeded, testCertificate, treeDigest } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';

const LARGE_FILE_BYTES = 200 * 1024 * 1024;

async function allShareBytes(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name)));
  return out;
}

describe('encrypted backups on a real Samba share', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  let source: string;
  let backupId: string;
  const pfx = () => ({ kind: 'pfx' as const, pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD });
  const backupDir = () => join(server.shareDir, 'contoso', 'MASBackup', backupId);

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    source = join(temp.path, 'source');
    await makeSourceTree(source, LARGE_FILE_BYTES);
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: process.env.IBC_TEST_LOG ?? 'silent' }),
    });
    await engine.saveSettings({
      ...shareSettingsFor(server, 'contoso'),
      certificateBase64: testCertificate().cerDer.toString('base64'),
    });
    await engine.addSource({ name: 'files', folder: source });
  });
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
    await temp?.remove();
  });

  it('backs up (with a 200 MiB file), lists it from the share, and leaves no plaintext there', async () => {
    const summary = succeeded(await backupNow(engine));
    backupId = summary.backupId;
    expect(summary.state).toBe('Succeeded');
    const listed = await engine.listBackups();
    expect(listed.map((b) => b.backupId)).toEqual([backupId]);
    expect(listed[0]!.sizeBytes).toBeGreaterThan(LARGE_FILE_BYTES);
    for (const bytes of await allShareBytes(server.shareDir)) expect(bytes.includes(Buffer.from(MARKER))).toBe(false);
  });

  it('deep-verifies with the .pfx and restores a byte-identical tree', async () => {
    expect(await engine.verifyBackup({ backupId, key: pfx() })).toMatchObject({ ok: true, deep: true });
    const target = join(temp.path, 'restored');
    await engine.restoreBackup({ backupId, targetFolder: target, key: pfx() });
    expect(await treeDigest(join(target, 'files'))).toEqual(await treeDigest(source));
  });

  it('a reinstalled console (new config dir, same share) sees the backup', async () => {
    const fresh = createEngine({
      configDir: join(temp.path, 'config-2'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    await fresh.saveSettings({
      ...shareSettingsFor(server, 'contoso'),
      certificateBase64: testCertificate().cerDer.toString('base64'),
    });
    expect((await fresh.listBackups()).map((b) => b.backupId)).toEqual([backupId]);
    await fresh.close();
  });

  it('refuses a .pfx of another certificate and a wrong password, with wrong-key', async () => {
    const other = generateSelfSignedCertificate({ dnsName: 'other.contoso.com', pfxPassword: 'another password' });
    await expect(
      engine.verifyBackup({ backupId, key: { kind: 'pfx', pfxBase64: other.pfxDer.toString('base64'), password: 'another password' } }),
    ).rejects.toMatchObject({ code: 'wrong-key' });
    await expect(engine.verifyBackup({ backupId, key: { ...pfx(), password: 'not it' } })).rejects.toMatchObject({ code: 'wrong-key' });
    await expect(
      engine.verifyBackup({ backupId, key: { kind: 'legacy-key', keyBase64: Buffer.alloc(32, 1).toString('base64') } }),
    ).rejects.toMatchObject({ code: 'wrong-key' });
  });

  it('a flipped byte fails verification naming the component, with and without the key', async () => {
    const file = join(backupDir(), 'files.bin');
    const original = await readFile(file);
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
    await writeFile(file, flipped);
    try {
      const keyless = await engine.verifyBackup({ backupId });
      expect(keyless.ok).toBe(false);
      expect(keyless.components.find((c) => c.name === 'files')?.detail).toMatch(/SHA-256/);
      const deep = await engine.verifyBackup({ backupId, key: pfx() });
      expect(deep.ok).toBe(false);
      expect(deep.components.find((c) => !c.ok)?.name).toBe('files');
      await expect(engine.restoreBackup({ backupId, targetFolder: join(temp.path, 'restored-flipped'), key: pfx() })).rejects.toMatchObject(
        { code: 'restore-failed' },
      );
      // a failed restore leaves nothing that looks complete (the target is not even created)
      expect(await readdir(join(temp.path, 'restored-flipped')).catch(() => [])).toEqual([]);
    } finally {
      await writeFile(file, original);
    }
  });

  it('a truncated file fails verification naming the component', async () => {
    const file = join(backupDir(), 'files.bin');
    const original = await readFile(file);
    await truncate(file, original.length - 1000);
    try {
      const result = await engine.verifyBackup({ backupId });
      expect(result.ok).toBe(false);
      expect(result.components.find((c) => c.name === 'files')?.detail).toMatch(/truncated|bytes/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('a tampered manifest fails deep verification', async () => {
    const file = join(backupDir(), 'manifest.json');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('"recoveryReady": true', '"recoveryReady": false'));
    try {
      const result = await engine.verifyBackup({ backupId, key: pfx() });
      expect(result.ok).toBe(false);
      expect(result.components[0]!.detail).toMatch(/manifest/);
    } finally {
      await writeFile(file, original);
    }
    expect((await engine.verifyBackup({ backupId, key: pfx() })).ok).toBe(true);
  });

  it("a failing command source makes the backup PartialSucceeded with that component's error", async () => {
    await engine.station.addCommandSource({ name: 'broken-export', command: 'echo partial; echo "database offline" >&2; exit 3' });
    try {
      const finished = await backupNow(engine);
      expect(finished.backup?.state).toBe('PartialSucceeded');
      const detail = await engine.getBackup({ backupId: finished.backup!.backupId });
      expect(detail.components.find((c) => c.name === 'broken-export')).toMatchObject({
        state: 'Failed',
        error: expect.stringContaining('status 3'),
      });
      expect(detail.components.find((c) => c.name === 'files')?.state).toBe('Succeeded');
    } finally {
      await engine.station.removeSource('broken-export');
    }
  });

  it('two concurrent starts: one runs, the other is told a backup is already running', async () => {
    const results = await Promise.allSettled([engine.startBackup(), engine.startBackup()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'backup-running' });
    await new Promise<void>((resolve) => {
      const stop = engine.onEvent((event) => {
        if (event.type === 'job-finished') {
          stop();
          resolve();
        }
      });
    });
  });

  // Last: it stops the server.
  it('smbd stopped mid-upload: the backup fails with category connectivity', async () => {
    const finished = new Promise<{ error: { category?: string } | null; backup: { state: string } | null }>((resolve) => {
      let stopping = false;
      const stop = engine.onEvent((event) => {
        if (event.type === 'job-progress' && event.progress.bytesDone > 20 * 1024 * 1024 && !stopping) {
          stopping = true;
          void server.stop();
        }
        if (event.type === 'job-finished') {
          stop();
          resolve(event);
        }
      });
    });
    await engine.startBackup();
    const event = await finished;
    expect(event.error?.category).toBe('connectivity');
    expect(event.backup?.state).toBe('Failed');
  });
});
