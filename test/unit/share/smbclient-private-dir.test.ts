import { spawn, spawnSync } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ensurePrivateRoot,
  privateRoot,
  removeOwnFolder,
  sweepAbandonedPrivateDirs,
} from '../../../main/engine/share/smbclient-private-dir';

const asRoot = process.getuid?.() === 0;
/** nobody: a user other than the console's. */
const OTHER_UID = 65534;

describe("smbclient's private folders", () => {
  let temp: string;
  let root: string;
  let victim: string;
  beforeEach(async () => {
    temp = await mkdtemp(path.join(os.tmpdir(), 'ibc-sweep-test-'));
    root = path.join(temp, 'run');
    await ensurePrivateRoot(root);
    victim = path.join(temp, 'operator-data');
    await mkdir(victim);
    await writeFile(path.join(victim, 'keep.txt'), 'not yours to delete');
  });
  afterEach(async () => rm(temp, { recursive: true, force: true }));

  const deadPid = (): number => spawnSync('true').pid!; // has exited by now
  const victimIntact = async (): Promise<void> => {
    expect(await readFile(path.join(victim, 'keep.txt'), 'utf8')).toBe('not yours to delete');
  };

  it('sweeps the folders of processes that are gone (a killed console), and only those', async () => {
    const dead = `ibc-smb-${deadPid()}-AbC123`;
    const mine = `ibc-smb-${process.pid}-DeF456`;
    const unrelated = 'ibc-smb-notapid';
    for (const name of [dead, mine, unrelated]) {
      await mkdir(path.join(root, name), { mode: 0o700 });
      await writeFile(path.join(root, name, 'auth'), 'username = u\n', { mode: 0o600 });
    }
    expect(await sweepAbandonedPrivateDirs(root)).toEqual([dead]);
    expect((await readdir(root)).sort()).toEqual([mine, unrelated].sort());
  });

  it('ends a smbclient still working from a dead console folder before removing it', async () => {
    const dead = path.join(root, `ibc-smb-${deadPid()}-Lefto1`);
    await mkdir(dead, { mode: 0o700 });
    // Stands in for a smbclient whose command line names the folder's auth file.
    const leftover = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', path.join(dead, 'auth')], { stdio: 'ignore' });
    const ended = new Promise((resolve) => leftover.once('exit', (_code, signal) => resolve(signal)));
    await new Promise((resolve) => leftover.once('spawn', resolve));
    expect(await sweepAbandonedPrivateDirs(root)).toEqual([path.basename(dead)]);
    expect(await ended).toBe('SIGKILL');
  });

  it.skipIf(!asRoot)("never removes another user's folder, even under a dead console's name", async () => {
    const planted = path.join(root, `ibc-smb-${deadPid()}-Plant1`);
    await mkdir(planted);
    await writeFile(path.join(planted, 'theirs.txt'), 'x');
    await chown(planted, OTHER_UID, OTHER_UID);
    expect(await sweepAbandonedPrivateDirs(root)).toEqual([]);
    expect(await readdir(planted)).toEqual(['theirs.txt']);
  });

  it("never follows a link named like a dead console's folder", async () => {
    const link = path.join(root, `ibc-smb-${deadPid()}-Link01`);
    await symlink(victim, link);
    expect(await sweepAbandonedPrivateDirs(root)).toEqual([]);
    await victimIntact();
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('a folder swapped for a link while it is being removed: the link is not followed', async () => {
    const name = `ibc-smb-${deadPid()}-Swap01`;
    const folder = path.join(root, name);
    await mkdir(folder, { mode: 0o700 });
    await writeFile(path.join(folder, 'auth'), 'username = u\n');
    const movedAway = path.join(root, 'moved-away');
    const removed = await removeOwnFolder(root, name, async () => {
      // The attack: between the check and the removal, the name now points elsewhere.
      await rename(folder, movedAway);
      await symlink(victim, folder);
    });
    expect(removed).toBe(false);
    await victimIntact();
    // What was removed is what had been opened: the real folder's own file.
    expect(await readdir(movedAway)).toEqual([]);
  });

  it('lives in XDG_RUNTIME_DIR only when that folder is private, else in the config folder', async () => {
    const runtime = path.join(temp, 'xdg');
    await mkdir(runtime, { mode: 0o700 });
    await chmod(runtime, 0o700);
    expect(await privateRoot('/config', { XDG_RUNTIME_DIR: runtime })).toBe(path.join(runtime, 'infra-backup'));
    await chmod(runtime, 0o755);
    expect(await privateRoot('/config', { XDG_RUNTIME_DIR: runtime })).toBe(path.join('/config', 'run'));
    expect(await privateRoot('/config', {})).toBe(path.join('/config', 'run'));
    expect(await privateRoot('/config', { XDG_RUNTIME_DIR: 'relative' })).toBe(path.join('/config', 'run'));
  });

  it('refuses a runtime folder that is a link or not ours, and tightens a loose one of ours', async () => {
    const link = path.join(temp, 'run-link');
    await symlink(victim, link);
    await expect(ensurePrivateRoot(link)).rejects.toMatchObject({ code: 'share' });
    const loose = path.join(temp, 'loose');
    await mkdir(loose, { mode: 0o755 });
    await chmod(loose, 0o755);
    await ensurePrivateRoot(loose);
    expect((await lstat(loose)).mode & 0o777).toBe(0o700);
    if (asRoot) {
      const theirs = path.join(temp, 'theirs');
      await mkdir(theirs, { mode: 0o700 });
      await chown(theirs, OTHER_UID, OTHER_UID);
      await expect(ensurePrivateRoot(theirs)).rejects.toMatchObject({ code: 'share' });
    }
  });
});
