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
