import { hostname } from 'node:os';

/**
 * True when no process with this pid exists on this machine. A process we may
 * not signal (another user's) exists; pids are reused, so "alive" can be a
 * stranger — callers only ever treat "gone" as certain.
 */
export function processIsGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** This process as `host:pid`: how a share lock or a timeline run names the process that holds it. */
export function thisProcessOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * True when `owner` (`host:pid`) is a process on this very station that no
 * longer exists (the console crashed or was killed). Another station's
 * process cannot be asked, so it is never "dead" here.
 */
export function ownerIsDeadHere(owner: string): boolean {
  const separator = owner.lastIndexOf(':');
  if (separator <= 0 || owner.slice(0, separator) !== hostname()) return false;
  return processIsGone(Number(owner.slice(separator + 1)));
}
