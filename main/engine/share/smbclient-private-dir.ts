/**
 * The private 0700 folders that hold smbclient's auth file and upload FIFO:
 * `ibc-smb-<pid>-XXXXXX` in the temp folder. Each is removed when its
 * smbclient exits, any left are removed when this process exits, and the
 * folders of a console that was killed (SIGKILL skips every clean-up) are
 * swept by the next process here that runs smbclient — the pid in the name
 * says whose they are.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processIsGone } from '../process-alive';

const PREFIX = 'ibc-smb-';
/** The pid in a private folder's name. */
const OWNER = new RegExp(`^${PREFIX}(\\d+)-`);
const live = new Set<string>();
process.once('exit', () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
});

let sweep: Promise<unknown> | null = null;

export interface PrivateDir {
  path: string;
  remove(): Promise<void>;
}

export async function createPrivateDir(): Promise<PrivateDir> {
  sweep ??= sweepAbandonedPrivateDirs(os.tmpdir()).catch(() => undefined);
  await sweep;
  const dir = await mkdtemp(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
  live.add(dir);
  return {
    path: dir,
    async remove() {
      await rm(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };
}

/** Removes the private folders in `tempDir` whose process is gone; returns their names. */
export async function sweepAbandonedPrivateDirs(tempDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(tempDir)) {
    const match = OWNER.exec(name);
    if (!match || !processIsGone(Number(match[1]))) continue;
    try {
      await rm(path.join(tempDir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another user's folder: not ours to remove.
    }
  }
  return removed;
}
