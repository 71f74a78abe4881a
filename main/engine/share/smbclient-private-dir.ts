/**
 * The private folders that hold smbclient's auth file and upload FIFO:
 * `ibc-smb-<pid>-XXXXXX`, inside a per-user runtime folder that only this
 * user can enter — never the shared temp folder, where another local user
 * could plant names for the console to act on:
 * - `$XDG_RUNTIME_DIR/infra-backup` when XDG_RUNTIME_DIR is a real folder
 *   owned by this user and closed to everyone else (systemd's /run/user/<uid>);
 * - otherwise `<config folder>/run`, created 0700.
 * The runtime folder itself is checked on every use: a real folder (not a
 * link), owned by this user, mode 0700 — anything else is refused.
 *
 * Each private folder is removed when its smbclient exits, any left are
 * removed when this process exits, and the folders of a console that was
 * killed (SIGKILL skips every clean-up) are swept by the next process that
 * runs smbclient — the pid in the name says whose they are. The sweep first
 * ends any smbclient still working from a dead console's folder, then
 * removes only folders owned by this user that it can open without
 * following a link (O_NOFOLLOW), and removes their entries through the
 * opened descriptor (/proc/self/fd/N/<name> on Linux) — so a name swapped
 * for a link mid-way is never followed; the folder itself goes by rmdir,
 * which removes only an empty real folder.
 */
import { execFile } from 'node:child_process';
import { constants, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../errors';
import { processIsGone } from '../process-alive';

export const PRIVATE_DIR_PREFIX = 'ibc-smb-';
/** The pid in a private folder's name. */
const OWNER = new RegExp(`^${PRIVATE_DIR_PREFIX}(\\d+)-`);
const live = new Set<string>();
process.once('exit', () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
});

const sweeps = new Map<string, Promise<unknown>>();

export interface PrivateDir {
  path: string;
  remove(): Promise<void>;
}

/** Where this user's private folders go (see above). */
export async function privateRoot(configDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && path.isAbsolute(runtime) && (await isPrivateFolder(runtime))) return path.join(runtime, 'infra-backup');
  return path.join(configDir, 'run');
}

/** A fresh 0700 folder for one smbclient, inside `root` (created, and checked, here). */
export async function createPrivateDir(root: string): Promise<PrivateDir> {
  await ensurePrivateRoot(root);
  let sweep = sweeps.get(root);
  if (!sweep) {
    sweep = sweepAbandonedPrivateDirs(root).catch(() => undefined);
    sweeps.set(root, sweep);
  }
  await sweep;
  const dir = await mkdtemp(path.join(root, `${PRIVATE_DIR_PREFIX}${process.pid}-`));
  live.add(dir);
  return {
    path: dir,
    async remove() {
      await removeOwnFolder(root, path.basename(dir)).catch(() => undefined);
      live.delete(dir);
    },
  };
}

/** Creates `root` 0700 if missing; refuses one that is a link, another user's, or open to others. */
export async function ensurePrivateRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const info = await lstat(root);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
    throw new EngineError({
      code: 'share',
      category: 'general',
      message: `The console's private folder ${root} is not a folder of this user; smbclient is not started with it.`,
      remediation: `Remove ${root} (it may have been planted by someone else), then try again.`,
    });
  }
  // Ours, but looser than 0700 (made by an older version, or a umask): tighten it.
  if ((info.mode & 0o077) !== 0) await chmod(root, 0o700);
}

/**
 * Removes the private folders in `root` whose process is gone, after ending
 * any smbclient still using them; returns their names. Folders of live
 * processes, of other users, and anything that is not a real folder are left.
 */
export async function sweepAbandonedPrivateDirs(root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root)) {
    const match = OWNER.exec(name);
    if (!match || !processIsGone(Number(match[1]))) continue;
    await endSmbclientsUsing(path.join(root, name));
    if (await removeOwnFolder(root, name)) removed.push(name);
  }
  return removed;
}

/**
 * Removes folder `root/name` and the files in it, only when it is a real
 * folder owned by this user; never follows a link. True when it was removed.
 * `afterOpen` lets a test swap the name while the folder is open.
 */
export async function removeOwnFolder(root: string, name: string, afterOpen?: () => Promise<void>): Promise<boolean> {
  const folder = path.join(root, name);
  let handle;
  try {
    handle = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch {
    return false; // gone, a link (ELOOP), or not a folder
  }
  try {
    const info = await handle.stat();
    const uid = process.getuid?.();
    if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) return false;
    await afterOpen?.();
    // Through the descriptor: whatever the name points to by now, these are the opened folder's entries.
    const opened = process.platform === 'linux' ? `/proc/self/fd/${handle.fd}` : folder;
    for (const entry of await readdir(opened)) {
      const entryPath = path.join(opened, entry);
      if ((await lstat(entryPath)).isDirectory()) return false; // ours never hold folders: not ours to judge
      await unlink(entryPath);
    }
  } finally {
    await handle.close();
  }
  try {
    // rmdir removes only an empty, real folder: a link swapped in is refused (ENOTDIR).
    await rmdir(folder);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends smbclient processes of this user that still work from `folder` (their
 * auth file is in it): a console killed before its children could be told
 * (where setpriv's parent-death signal is not available, tied-child.ts).
 */
async function endSmbclientsUsing(folder: string): Promise<void> {
  for (const pid of await processesMentioning(folder)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Pids of this user's processes whose command line mentions `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const uid = process.getuid?.();
  if (process.platform === 'linux') {
    const found: number[] = [];
    for (const name of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(name)) continue;
      const info = await lstat(`/proc/${name}`).catch(() => null);
      if (!info || (uid !== undefined && info.uid !== uid)) continue;
      const argv = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
      if (argv.includes(text)) found.push(Number(name));
    }
    return found;
  }
  const listing = await promisify(execFile)('ps', ['-A', '-o', 'pid=,uid=,args=']).catch(() => ({ stdout: '' }));
  return listing.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter(
      (match): match is RegExpExecArray => match !== null && (uid === undefined || Number(match[2]) === uid) && match[3]!.includes(text),
    )
    .map((match) => Number(match[1]));
}

async function isPrivateFolder(folder: string): Promise<boolean> {
  const info = await lstat(folder).catch(() => null);
  const uid = process.getuid?.();
  return !!info && info.isDirectory() && (uid === undefined || info.uid === uid) && (info.mode & 0o077) === 0;
}
