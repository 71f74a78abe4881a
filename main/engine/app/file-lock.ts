import { lock } from 'proper-lockfile';

/** How long a lock left by a process that died is honoured before another takes it over. */
const STALE_MS = 10_000;

/**
 * Runs `fn` while holding a lock beside `file` (`<file>.lock`, a folder: its
 * creation is atomic on every file system, and its time is kept fresh while
 * held, so one left by a dead process goes stale), so the processes of one
 * station (a running console and one-shot CLI commands) read, decide and
 * write that file one at a time. A lock that cannot be had within a few
 * seconds is reported through `onProblem` and `fn` runs anyway: a stuck lock
 * must not stop the console, at worst two processes decide at once.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, onProblem: (error: unknown) => void): Promise<T> {
  let release: (() => Promise<void>) | null = null;
  try {
    release = await lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 40, factor: 1.3, minTimeout: 10, maxTimeout: 250 },
      onCompromised: onProblem,
    });
  } catch (error) {
    onProblem(error);
  }
  try {
    return await fn();
  } finally {
    await release?.().catch(onProblem);
  }
}
