import { mkdir, rmdir, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A lock older than this was left by a process that died holding it. Holders
 * keep it for one read, decision and write of a small file: milliseconds.
 */
const STALE_MS = 10_000;
/** Waits between tries while another process holds the lock: about 5 s in all. */
const RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250];

/**
 * Runs `fn` while holding `<file>.lock`, so the processes of one station (a
 * running console and one-shot CLI commands) read, decide and write `file`
 * one at a time. The lock is a folder: creating one is atomic on every file
 * system, Windows shares included. A lock that cannot be had within about
 * 5 s is reported through `onProblem` and `fn` runs anyway: a stuck lock must
 * not stop the console; at worst two processes decide at once.
 *
 * Written here rather than taken from proper-lockfile: that library installs
 * signal handlers (signal-exit) when loaded, which re-raise SIGTERM once our
 * own handler is gone, so `service` and `web` died by the signal instead of
 * stopping gracefully.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, onProblem: (error: unknown) => void): Promise<T> {
  const lock = `${file}.lock`;
  const held = await acquire(lock).catch((error: unknown) => {
    onProblem(error);
    return false;
  });
  try {
    return await fn();
  } finally {
    if (held) await rmdir(lock).catch(onProblem);
  }
}

async function acquire(lock: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lock);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lock)) {
      await rmdir(lock).catch(() => undefined);
      continue;
    }
    const wait = RETRY_DELAYS_MS[attempt];
    if (wait === undefined) throw new Error(`${lock} is held by another process and was not released within 5 s`);
    await delay(wait);
  }
}

async function isStale(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs > STALE_MS;
  } catch {
    return false; // released meanwhile: the next try takes it
  }
}
