import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { backupFormat, createSealer } from '../../../main/engine/backup/backup-format';
import { readBackup } from '../../../main/engine/backup/catalog';
import type { ManifestDraft } from '../../../main/engine/backup/codec-port';
import { RESTORE_COMPLETE_MARKER, restoreBackup, stagingFolder } from '../../../main/engine/backup/restore';
import { openPfx, publicKeyFromCertificate } from '../../../main/engine/certificates';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { LocalShare } from '../../../main/engine/share/local-share';
import { backupNow, PFX_PASSWORD, succeeded, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

const CLI = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'infra-backup.js');

/** Whether `nobody` can read the file (run as that user: the check is the kernel's, not ours). */
function nobodyCanRead(path: string): boolean {
  return spawnSync('runuser', ['-u', 'nobody', '--', 'cat', path], { stdio: 'ignore' }).status === 0;
}

describe('restores keep secrets secret (issue 18) and never look complete early (issue 17)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  let configDir: string;
  let store: string;
  let source: string;
  let pfxPath: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    // Other users may traverse the test folder, as they may most places a restore lands: only the restored modes protect the data.
    await chmod(temp.path, 0o755);
    configDir = join(temp.path, 'config');
    store = join(temp.path, 'share');
    source = join(temp.path, 'source');
    await mkdir(join(source, 'secret'), { recursive: true });
    await chmod(join(source, 'secret'), 0o700);
    await writeFile(join(source, 'secret', 'db-password.txt'), 'db-password=hunter2\n', { mode: 0o644 });
    await writeFile(join(source, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    await chmod(join(source, 'tool'), 0o4755);
    await writeFile(join(source, 'public.txt'), 'anyone may read this\n', { mode: 0o644 });
    // Enough data that a restore takes a while: the kill test stops one mid-way.
    await writeFile(join(source, 'bulk.bin'), Buffer.alloc(300 * 1024 * 1024, 7));
    pfxPath = join(temp.path, 'key.pfx');
    await writeFile(pfxPath, testCertificate().pfxDer);
    engine = createEngine({ configDir, version: 'test', frontDoor: 'cli', logger: createLogger({ level: 'silent' }) });
    await engine.saveSettings({ location: store, certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.addSource({ name: 'files', folder: source });
    succeeded(await backupNow(engine));
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  const pfx = () => ({ kind: 'pfx' as const, pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD });

  it('restores modes as archived: a 0644 file in a 0700 folder stays unreadable to another user; setuid is stripped', async () => {
    const [backup] = await engine.listBackups();
    const target = join(temp.path, 'restored-modes');
    await engine.restoreBackup({ backupId: backup!.backupId, targetFolder: target, key: pfx() });
    const files = join(target, 'files');
    expect((await stat(join(files, 'secret'))).mode & 0o7777).toBe(0o700);
    expect((await stat(join(files, 'secret', 'db-password.txt'))).mode & 0o7777).toBe(0o644);
    expect((await stat(join(files, 'tool'))).mode & 0o7777).toBe(0o755);
    expect(nobodyCanRead(join(files, 'secret', 'db-password.txt'))).toBe(false);
    // The check itself works: what was public stays readable... once the restore folder is opened up by the operator.
    await chmod(target, 0o755);
    await chmod(files, 0o755);
    expect(nobodyCanRead(join(files, 'public.txt'))).toBe(true);
    expect(JSON.parse(await readFile(join(target, RESTORE_COMPLETE_MARKER), 'utf8'))).toMatchObject({ backupId: backup!.backupId });
  });

  it('a restore killed half-way leaves no target that looks complete; its 0700 staging folder goes with the next restore', async () => {
    const [backup] = await engine.listBackups();
    const target = join(temp.path, 'restored-killed');
    const staging = stagingFolder(target, backup!.backupId);
    const child = spawn(
      process.execPath,
      [CLI, '--config-dir', configDir, 'backup', 'restore', backup!.backupId, '--out', target, '--pfx', pfxPath, '--pfx-password-stdin'],
      { stdio: ['pipe', 'ignore', 'ignore'] },
    );
    child.stdin.end(PFX_PASSWORD);
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    // Kill once decrypted data has reached the staging folder (it is there for as long as bulk.bin is written).
    for (;;) {
      const bulk = await stat(join(staging, 'files', 'bulk.bin')).catch(() => null);
      if (bulk && bulk.size > 0) break;
      expect(child.exitCode, 'the restore finished before it could be killed').toBeNull();
      await new Promise((resolveTick) => setImmediate(resolveTick));
    }
    child.kill('SIGKILL');
    await exited;
    expect((await stat(staging)).mode & 0o777).toBe(0o700);
    expect(await readdir(target).catch(() => [])).toEqual([]);

    await engine.restoreBackup({ backupId: backup!.backupId, targetFolder: target, key: pfx() });
    expect(await stat(staging).catch(() => null)).toBeNull();
    expect((await readdir(target)).sort()).toEqual([RESTORE_COMPLETE_MARKER, 'files'].sort());
    expect((await stat(join(target, 'files', 'bulk.bin'))).size).toBe(300 * 1024 * 1024);
  });

  it('a forged gzip bomb (a few hundred KB that inflate to 256 MiB) fails the component instead of filling the disk', async () => {
    const bombStore = join(temp.path, 'bomb-share');
    const backupId = '20261124T120000Z-b0b0b0';
    const folder = join(bombStore, 'MASBackup', backupId);
    await mkdir(folder, { recursive: true });
    const certificate = testCertificate();
    const sealer = createSealer(
      backupId,
      { mode: 'certificate', thumbprint: certificate.info.thumbprint, publicKey: publicKeyFromCertificate(certificate.cerDer) },
      1024 * 1024,
    );
    const encrypted = sealer.encryptComponent('export', 'raw');
    const zeros = Buffer.alloc(1024 * 1024);
    const stored: Buffer[] = [];
    for await (const chunk of Readable.from(Array.from({ length: 256 }, () => zeros)).pipe(encrypted.stream)) stored.push(chunk as Buffer);
    const bin = Buffer.concat(stored);
    expect(encrypted.compression()).toBe('gzip');
    expect(bin.length).toBeLessThan(4 * 1024 * 1024);
    await writeFile(join(folder, 'export.bin'), bin);
    const draft: ManifestDraft = {
      backupId,
      createdAt: '2026-11-24T12:00:00.000Z',
      completedAt: '2026-11-24T12:00:01.000Z',
      durationSeconds: 1,
      trigger: 'on-demand',
      state: 'Succeeded',
      // The forger claims a small export.
      components: [
        {
          name: 'export',
          state: 'Succeeded',
          payload: 'raw',
          file: 'export.bin',
          sourceBytes: 4096,
          storedBytes: bin.length,
          sha256: encrypted.sha256(),
          compression: 'gzip',
        },
      ],
      recoveryReady: true,
      stamp: {},
    };
    await writeFile(join(folder, 'manifest.json'), sealer.sealManifest(draft));
    const share = new LocalShare(bombStore);
    const entry = await readBackup(share, backupFormat, backupId, NO_CANCEL);
    const { privateKey } = openPfx(certificate.pfxDer, PFX_PASSWORD);
    const unlocked = backupFormat.unlock(entry.manifestBytes, { kind: 'private-key', privateKey });
    const target = join(temp.path, 'restored-bomb');
    // Accepted as signed by a trusted key: what is tested here is the size bound, which holds whoever signed.
    const trusted = { status: 'trusted-key' as const, publicKey: null, detail: 'test', acceptable: true };
    await expect(restoreBackup(share, backupFormat, entry, unlocked, { targetFolder: target }, trusted)).rejects.toMatchObject({
      code: 'restore-failed',
      message: expect.stringMatching(/expands to more than/),
    });
    expect(await readdir(target).catch(() => [])).toEqual([]);
    expect(await stat(stagingFolder(target, backupId)).catch(() => null)).toBeNull();
  });
});
