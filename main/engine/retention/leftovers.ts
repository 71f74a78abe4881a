import { BACKUP_ROOT } from '../backup/backup-id';
import { classifyListing, listBackupRoot } from '../backup/catalog';
import { DEFAULT_STALE_AFTER_MS, isLockLive, lockPathForPeople, unreadableStaleAt } from '../backup/share-lock';
import { NO_CANCEL } from '../share/abort';
import type { FileShare } from '../share/file-share';
import type { PartialFolder } from './retention-policy';

/** A `MASBackup\.lock` that cannot be read as a lock: it blocks backups until `staleAt`. */
export interface UnreadableLock {
  /** As the operator finds it on the share (`MASBackup\.lock`). */
  path: string;
  reason: string;
  staleAt: string;
}

/** What a retention pass cleans up besides expired backups, and the state of the lock that decides it. */
export interface ShareLeftovers {
  /** `.partial` folders, each with whether a live job's lock covers it. */
  partials: PartialFolder[];
  /** `.deleting` folders: deletions an earlier pass did not finish. */
  deleting: string[];
  unreadableLock: UnreadableLock | null;
}

/**
 * Lists MASBackup\ (one `list`) for the leftovers retention removes, and
 * reads the lock when a `.partial` needs judging or `.lock` is there. A live
 * lock protects only its own job's `.partial`; an unreadable lock, until it
 * is stale, protects every `.partial` (whose job it is cannot be known).
 */
export async function findLeftovers(share: FileShare, now: number, staleAfterMs = DEFAULT_STALE_AFTER_MS): Promise<ShareLeftovers> {
  const contents = classifyListing(await listBackupRoot(share, NO_CANCEL));
  const lockPresent = contents.lockFiles.some((entry) => entry.name === '.lock');
  if (contents.partials.length === 0 && !lockPresent) return { partials: [], deleting: contents.deleting, unreadableLock: null };
  const lock = await isLockLive(share, BACKUP_ROOT, now, staleAfterMs);
  const unreadableLock = lock.unreadable
    ? {
        path: lockPathForPeople(BACKUP_ROOT),
        reason: lock.unreadable.reason,
        staleAt: new Date(unreadableStaleAt(lock.unreadable, staleAfterMs)).toISOString(),
      }
    : null;
  const partials = contents.partials.map((backupId) => ({
    backupId,
    lockLive: lock.live && (lock.unreadable !== null || lock.record?.backupId === backupId),
  }));
  return { partials, deleting: contents.deleting, unreadableLock };
}
