/**
 * Issue 15 "Prune the external store": `prune [--dry-run]` lists and removes
 * what is not a backup under MASBackup\ — never a complete backup, never
 * anything outside MASBackup\ — with decoys next to it and inside it, on a
 * real Samba share, through the CLI as an operator runs it.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PruneResult } from '../../../preload/api';
import { succeeded, testCertificate } from '../../support/backup-fixtures';
import { cli } from '../../support/cli';
import { FakeClock } from '../../support/fake-clock';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';
import { backupAndSettle, newConsole, ownedByShareUser, type TestConsole } from './consoles';

describe('prune (real Samba, decoys next to and inside MASBackup)', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let a: TestConsole;
  let mas: string;
  let backup = '';
  const c = (...args: string[]) => ['--json', '--config-dir', a.configDir, ...args];
  const prune = async (...args: string[]) => {
    const run = await cli(c('prune', ...args));
    return { ...run, result: run.out ? (JSON.parse(run.out) as PruneResult) : null };
  };
  const actions = (result: PruneResult | null) => Object.fromEntries((result?.items ?? []).map((item) => [item.name, item.action]));

  const DEAD_PARTIAL = '20261031T230000Z-dead01.partial';
  const DELETING = '20261030T000000Z-de1e7e.deleting';
  const NO_MANIFEST = '20261029T000000Z-0fa4e0';
  const LINK = '20200101T000000Z-5a3b1c';
  const staleLock = JSON.stringify({
    lockId: 'b0a7e1e5-dead',
    owner: 'another-station:4242',
    jobId: 'j',
    backupId: '20261031T230000Z-dead01',
    acquiredAt: new Date(Date.now() - 3_600_000).toISOString(),
  });

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    mas = join(server.shareDir, 'MASBackup');
    a = await newConsole(server, join(temp.path, 'a'), new FakeClock(new Date()), testCertificate());
    backup = succeeded(await backupAndSettle(a.engine)).backupId;
    await a.engine.close();
    // Inside MASBackup: what prune removes, and what only the operator may.
    await mkdir(join(mas, DEAD_PARTIAL));
    await writeFile(join(mas, DEAD_PARTIAL, 'files.bin'), 'half');
    await mkdir(join(mas, DELETING));
    await writeFile(join(mas, DELETING, 'files.bin'), 'half deleted');
    await writeFile(join(mas, '.lock'), staleLock);
    for (const name of ['.lock.stale.0b7f', '.lock.hb.b0a7e1e5-dead.00000009', '..lock.c0ffee.partial-write'])
      await writeFile(join(mas, name), '{}');
    await writeFile(join(mas, 'operator-notes.txt'), 'not ours');
    await mkdir(join(mas, NO_MANIFEST));
    await mkdir(join(server.shareDir, 'OperatorData'));
    await writeFile(join(server.shareDir, 'OperatorData', 'keep.txt'), "the operator's");
    await symlink('../OperatorData', join(mas, LINK));
    // Next to MASBackup: decoys named like what prune removes inside it.
    await mkdir(join(server.shareDir, '20261031T230000Z-dead02.partial'));
    await mkdir(join(server.shareDir, '20261030T000000Z-de1e7f.deleting'));
    await writeFile(join(server.shareDir, '.lock.stale.outside'), '');
    ownedByShareUser(server.shareDir);
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  it('--dry-run lists what is not a backup and what would go, removes nothing, and never lists the backup', async () => {
    const before = (await readdir(mas)).sort();
    const run = await prune('--dry-run');
    expect(run.code, run.err).toBe(0);
    expect(actions(run.result)).toEqual({
      [DEAD_PARTIAL]: 'would-remove',
      [DELETING]: 'would-remove',
      '.lock': 'would-remove',
      '.lock.stale.0b7f': 'would-remove',
      '.lock.hb.b0a7e1e5-dead.00000009': 'would-remove',
      '..lock.c0ffee.partial-write': 'would-remove',
      'operator-notes.txt': 'kept',
      [NO_MANIFEST]: 'kept',
      [LINK]: 'kept',
    });
    expect(run.result?.items.find((item) => item.name === NO_MANIFEST)?.detail).toMatch(/confirm it by name/);
    expect((await readdir(mas)).sort()).toEqual(before);
  });

  it('prune removes them, keeps the Unknown entries and the backup, and touches nothing outside MASBackup', async () => {
    const run = await prune();
    expect(run.code, run.err).toBe(0);
    expect(actions(run.result)).toMatchObject({
      [DEAD_PARTIAL]: 'removed',
      [DELETING]: 'removed',
      '.lock': 'removed',
      [NO_MANIFEST]: 'kept',
    });
    expect((await readdir(mas)).sort()).toEqual([backup, LINK, NO_MANIFEST, 'operator-notes.txt'].sort());
    expect((await readdir(server.shareDir)).sort()).toEqual(
      ['.lock.stale.outside', '20261030T000000Z-de1e7f.deleting', '20261031T230000Z-dead02.partial', 'MASBackup', 'OperatorData'].sort(),
    );
  });

  it('Unknown entries go only when named; a link named like a backup is never followed out of MASBackup', async () => {
    const run = await prune('--remove-unknown', 'operator-notes.txt', NO_MANIFEST, LINK);
    expect(actions(run.result)).toMatchObject({ 'operator-notes.txt': 'removed', [NO_MANIFEST]: 'removed' });
    // Samba follows the link and reports a folder; the driver proves a folder is inside its parent before emptying it, and refuses.
    expect(run.result?.items.find((item) => item.name === LINK)).toMatchObject({
      action: 'failed',
      detail: expect.stringContaining('is a link'),
    });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.err)).toMatchObject({ error: { code: 'share', category: 'general' } });
    expect(await readFile(join(server.shareDir, 'OperatorData', 'keep.txt'), 'utf8')).toBe("the operator's");
    expect(await readdir(mas)).toContain(backup);
  });

  it("while a backup runs on the share (a live lock), prune refuses and removes nothing; a dry run keeps that backup's .partial", async () => {
    const live = '20261101T000000Z-11fe00';
    const now = new Date().toISOString();
    await writeFile(
      join(mas, '.lock'),
      JSON.stringify({ lockId: 'live-lock', owner: 'another-station:4242', jobId: 'j', backupId: live, acquiredAt: now }),
    );
    await mkdir(join(mas, `${live}.partial`));
    ownedByShareUser(mas);
    const dry = await prune('--dry-run');
    expect(actions(dry.result)[`${live}.partial`]).toBe('kept');
    const run = await prune();
    expect(run.code).toBe(4);
    expect(JSON.parse(run.err)).toMatchObject({ error: { code: 'backup-running' } });
    expect(await readdir(mas)).toContain(`${live}.partial`);
  });
});
