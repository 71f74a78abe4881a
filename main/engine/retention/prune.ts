/**
 * Prune the external store (Azure Stack's pruneExternalStore): what is under
 * MASBackup\ and is NOT a complete backup — unfinished backups of dead jobs,
 * deletions that did not finish, temporary files of writes that never
 * finished, stale lock files — and, only when the operator names them, the
 * entries listed as Unknown. Never a complete backup (the catalog's rules
 * decide what one is), never anything outside MASBackup\: every removal is
 * one name from MASBackup\'s own listing, directly under it.
 *
 * `DryRun` reads only. `Default` first takes the share lock like a backup
 * does (taking over a stale one; refusing while a backup runs anywhere), so
 * nothing it removes can belong to a job that is running.
 */
import type { PruneInput, PruneItem, PruneResult } from '../../../preload/api';
import { BACKUP_ROOT, DELETING_SUFFIX, PARTIAL_SUFFIX } from '../backup/backup-id';
import { listCatalog, type CatalogCache, type CatalogListing } from '../backup/catalog';
import type { BackupFormat } from '../backup/codec-port';
import type { Clock } from '../backup/job-clock';
import { acquireShareLock, isLockLive, LOCK_FILE, type LockRecord } from '../backup/share-lock';
import { NO_CANCEL } from '../share/abort';
import type { FileShare } from '../share/file-share';
import { scrubSecrets } from '../redact';

export interface PruneDeps {
  share: FileShare;
  format: BackupFormat;
  clock: Clock;
  cache?: CatalogCache;
  lock?: { heartbeatEveryMs?: number; staleAfterMs?: number };
}

/** The lock that holds while prune looks: none, another job's (lockId null: unreadable, whose job is unknown), or prune's own. */
type LockView = { live: false } | { live: true; lockId: string | null; backupId: string | null; ours: boolean };

const CONFIRM =
  'not a backup, and not a name this console writes: removed only when you name it (tick it in the console, or `prune --remove-unknown NAME`)';

export async function pruneExternalStore(deps: PruneDeps, input: PruneInput): Promise<PruneResult> {
  const { share, clock } = deps;
  const confirmed = new Set(input.removeUnknown ?? []);
  if (input.operation === 'DryRun') {
    const listing = await listCatalog(share, deps.format, { signal: NO_CANCEL, ...(deps.cache ? { cache: deps.cache } : {}) });
    const lock = await isLockLive(share, BACKUP_ROOT, clock.now().getTime(), deps.lock?.staleAfterMs);
    const view: LockView = lock.live
      ? { live: true, lockId: lock.record?.lockId ?? null, backupId: lock.record?.backupId ?? null, ours: false }
      : { live: false };
    const items = plan(listing, view, confirmed, lock.record !== null || lock.unreadable !== null);
    return { operation: 'DryRun', items, notExamined: listing.overLimit };
  }

  const before = await isLockLive(share, BACKUP_ROOT, clock.now().getTime(), deps.lock?.staleAfterMs);
  const held = await acquireShareLock(share, { dir: BACKUP_ROOT, clock, ...deps.lock }, { jobId: 'prune', backupId: 'prune' });
  try {
    const listing = await listCatalog(share, deps.format, { signal: NO_CANCEL, ...(deps.cache ? { cache: deps.cache } : {}) });
    const items = plan(listing, ownLock(held.record), confirmed, false);
    const done: PruneItem[] = [];
    // The stale lock this run took over (acquiring removed it).
    if (before.record !== null || before.unreadable !== null)
      done.push({ name: LOCK_FILE, kind: 'lock', reason: staleLockReason(before), action: 'removed' });
    for (const item of items) {
      if (item.action !== 'would-remove') {
        done.push(item);
        continue;
      }
      try {
        await share.deleteTree(`${BACKUP_ROOT}/${plainName(item.name)}`, NO_CANCEL);
        done.push({ ...item, action: 'removed' });
      } catch (error) {
        done.push({ ...item, action: 'failed', detail: scrubSecrets(error instanceof Error ? error.message : String(error)) });
      }
    }
    return { operation: 'Default', items: done, notExamined: listing.overLimit };
  } finally {
    await held.release().catch(() => undefined);
  }
}

function ownLock(record: LockRecord): LockView {
  return { live: true, lockId: record.lockId, backupId: record.backupId, ours: true };
}

function staleLockReason(lock: Awaited<ReturnType<typeof isLockLive>>): string {
  if (lock.unreadable) return `the share's lock file, unreadable (${lock.unreadable.reason}) and older than the stale window`;
  return `the share's lock file of a backup that no longer runs (console ${lock.record?.owner ?? 'unknown'})`;
}

/**
 * Every entry that is not a complete backup, with what prune does with it.
 * `lock` is the lock that holds now (in Default: prune's own); its files and
 * its job's `.partial` are kept. `staleLock`: DryRun only, the `.lock` would
 * be taken over.
 */
function plan(listing: CatalogListing, lock: LockView, confirmed: ReadonlySet<string>, staleLock: boolean): PruneItem[] {
  const items: PruneItem[] = [];
  const runningKeeps = (detail: string): Pick<PruneItem, 'action' | 'detail'> => ({ action: 'kept', detail });
  const ofOwnLock = (name: string): boolean => lock.live && lock.ours && lock.lockId !== null && name.includes(lock.lockId);
  for (const id of listing.partials) {
    const name = `${id}${PARTIAL_SUFFIX}`;
    const reason = 'an unfinished backup';
    const live = lock.live && (lock.lockId === null || lock.backupId === id);
    items.push({
      name,
      kind: 'partial',
      reason,
      ...(live ? runningKeeps('a backup running now is writing it') : { action: 'would-remove' }),
    });
  }
  for (const id of listing.deleting)
    items.push({
      name: `${id}${DELETING_SUFFIX}`,
      kind: 'deleting',
      reason: 'a backup whose deletion did not finish',
      action: 'would-remove',
    });
  for (const entry of listing.temporaries) {
    if (ofOwnLock(entry.name)) continue;
    const live = lock.live && (lock.lockId === null || entry.name.includes(lock.lockId));
    items.push({
      name: entry.name,
      kind: 'temporary',
      reason: 'a temporary file of a write that never finished',
      ...(live ? runningKeeps('the running backup is writing it') : { action: 'would-remove' }),
    });
  }
  for (const entry of listing.lockFiles) {
    if (entry.name === LOCK_FILE) {
      if (lock.live) continue; // the lock of a running backup (or prune's own): not litter
      if (staleLock)
        items.push({
          name: LOCK_FILE,
          kind: 'lock',
          reason: "the share's lock file of a backup that no longer runs",
          action: 'would-remove',
        });
      continue;
    }
    if (ofOwnLock(entry.name)) continue;
    const live = lock.live && (lock.lockId === null || entry.name.includes(lock.lockId));
    items.push({
      name: entry.name,
      kind: 'lock',
      reason: entry.name.startsWith('.lock.hb.') ? 'a heartbeat of the share lock' : 'a lock moved aside when it was taken over',
      ...(live ? runningKeeps("it belongs to the running backup's lock") : { action: 'would-remove' }),
    });
  }
  for (const entry of listing.unknown) {
    if (entry.notExamined) {
      items.push({
        name: entry.name,
        kind: 'unknown',
        reason: entry.problem,
        ...runningKeeps('it may be a backup: run prune again to examine it'),
      });
      continue;
    }
    const yes = confirmed.has(entry.name);
    items.push({ name: entry.name, kind: 'unknown', reason: entry.problem, ...(yes ? { action: 'would-remove' } : runningKeeps(CONFIRM)) });
  }
  return items;
}

/** A listed name addressed directly under MASBackup\: never a path (the share refuses separators anyway). */
function plainName(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) throw new Error(`"${name}" is not a plain name; refused`);
  return name;
}
