/**
 * Issue 18 "After a network loss mid-upload every backup fails for hours" and
 * "Lock litter", issue 17 "An empty or unparsable MASBackup\.lock blocks every
 * backup forever" — on a real Samba share, through the engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { succeeded, testCertificate } from '../../support/backup-fixtures';
import { FakeClock } from '../../support/fake-clock';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';
import { eventually } from '../../support/console-process';
import { backupAndSettle, newConsole, ownedByShareUser, type TestConsole } from './consoles';

/**
 * A second SMB client holding `file` open, as the server keeps the handle of
 * a session lost mid-upload: while it is open the server refuses to delete it.
 */
async function holdOpen(server: SambaServer, dir: string, file: string): Promise<ChildProcess> {
  const auth = join(dir, 'holder-auth');
  await writeFile(auth, `username = ${server.username}\npassword = ${server.password}\ndomain = ${server.workgroup}\n`, { mode: 0o600 });
  const holder = spawn('smbclient', [`//127.0.0.1/${server.shareName}`, '-p', String(server.port), '-A', auth], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  holder.stdin?.write(`open ${file}\n`);
  await eventually(async () => (await server.openFiles()).some((line) => line.includes(file)), `the server to hold ${file} open`);
  return holder;
}

describe('leftovers and locks (real Samba)', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let a: TestConsole;
  let mas: string;
  const clock = new FakeClock('2026-11-01T00:00:00.000Z');

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    mas = join(server.shareDir, 'MASBackup');
    a = await newConsole(server, join(temp.path, 'a'), clock, testCertificate());
    succeeded(await backupAndSettle(a.engine));
  });
  afterAll(async () => {
    await a?.engine.close();
    await server?.stop();
    await temp?.remove();
  });

  it('a .partial whose file the server still holds open is skipped and alerted: the backup goes on, and the leftover goes once the handle is released', async () => {
    const dead = '20261031T230000Z-dead01.partial';
    await mkdir(join(mas, dead));
    await writeFile(join(mas, dead, 'files.bin'), 'half an upload');
    ownedByShareUser(mas);
    const holder = await holdOpen(server, temp.path, `MASBackup/${dead}/files.bin`);
    try {
      clock.setWallTime('2026-11-01T01:00:00.000Z');
      const finished = await backupAndSettle(a.engine);
      expect(finished.error).toBeNull();
      expect(finished.backup?.state).toBe('Succeeded');
      expect(await readdir(mas)).toContain(dead);
      const alert = (await a.engine.listAlerts()).find((x) => x.kind === 'retention-delete-failed');
      expect(alert?.detail).toContain(dead);
    } finally {
      holder.kill();
    }
    await eventually(async () => !(await server.openFiles()).some((line) => line.includes(dead)), 'the handle to be released');
    clock.setWallTime('2026-11-01T02:00:00.000Z');
    succeeded(await backupAndSettle(a.engine));
    expect(await readdir(mas)).not.toContain(dead);
    expect((await a.engine.listAlerts()).map((x) => x.kind)).not.toContain('retention-delete-failed');
  });

  it('an empty MASBackup\\.lock blocks backups, named in the error and an alert, only until 10 minutes after the server last changed it', async () => {
    clock.setWallTime('2026-11-02T00:00:00.000Z');
    const lock = join(mas, '.lock');
    await writeFile(lock, '');
    const changed = new Date('2026-11-01T23:59:00.000Z');
    await utimes(lock, changed, changed);
    ownedByShareUser(mas);

    const blocked = await backupAndSettle(a.engine);
    expect(blocked.error?.message).toMatch(/MASBackup\\\.lock cannot be read \(it is empty\).*2026-11-02T00:09:00\.000Z/);
    const alert = (await a.engine.listAlerts()).find((x) => x.kind === 'unreadable-lock');
    expect(alert).toMatchObject({ title: expect.stringContaining('MASBackup\\.lock'), detail: 'MASBackup\\.lock: it is empty' });

    clock.setWallTime('2026-11-02T00:09:01.000Z');
    const taken = await backupAndSettle(a.engine);
    expect(taken.error).toBeNull();
    expect((await a.engine.listAlerts()).map((x) => x.kind)).not.toContain('unreadable-lock');
    expect((await readdir(mas)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('lock litter — locks moved aside by a taker that died, dead heartbeats, unfinished lock writes — is cleaned by the next run', async () => {
    const litter = [
      '.lock.stale.0b7f3c1e',
      '.lock.hb.5d1e0f00-dead.00000042',
      '..lock.c0ffee.partial-write',
      '..lock.hb.5d1e0f00-dead.00000043.beef.partial-write',
    ];
    for (const name of litter) await writeFile(join(mas, name), '{}');
    await writeFile(join(mas, 'operator-notes.txt'), 'not ours');
    ownedByShareUser(mas);
    clock.setWallTime('2026-11-03T00:00:00.000Z');
    succeeded(await backupAndSettle(a.engine));
    const left = await readdir(mas);
    for (const name of litter) expect(left).not.toContain(name);
    expect(left).toContain('operator-notes.txt');
    await rm(join(mas, 'operator-notes.txt'));
  });
});
