import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { EngineError } from '../errors';
import { ownerIsDeadHere, thisProcessOwner } from '../process-alive';
import type { FileShare, ShareEntry } from '../share/file-share';
import { NO_CANCEL } from '../share/abort';
import { isNotFound } from '../share/share-errors';
import { isLockFileName, isTemporaryFileName, readBounded } from './catalog';
import type { Clock } from './job-clock';

/**
 * A lock on the share's backup folder, so two consoles never write the same
 * location at once.
 *
 * - Acquire = exclusive create of `.lock` (FileShare.writeStream publishes by
 *   rename and refuses to overwrite), then read it back: only the console
 *   whose lockId is in `.lock` holds it — Samba was measured to let two
 *   racing renames both succeed, the later replacing the earlier.
 * - Heartbeat = every `heartbeatEveryMs` the owner writes
 *   `.lock.hb.<lockId>.<seq>` and then deletes the previous one; before the
 *   first beat, the lock's own acquisition time counts as its heartbeat.
 * - A lock whose newest heartbeat is older than `staleAfterMs` belongs to a
 *   dead job and is taken over: renamed aside (only one taker's rename can
 *   succeed), checked to be the very lock judged stale, then deleted.
 * - A `.lock` that cannot be read as a lock (empty, not JSON, not a lock
 *   record, larger than any lock) has no owner and no heartbeat: it is stale
 *   `staleAfterMs` after the server last modified it, and taken over the same
 *   way. Until then it blocks backups, and the error (and an alert) name it.
 * - Litter of locks — `.lock.stale.*` left by a taker that died, heartbeats
 *   of dead locks, temporary files of lock writes that never finished — is
 *   removed by the next holder (`sweepLockLitter`).
 * Times are the writers' clocks (and, for an unreadable lock, the server's);
 * management stations are expected to be NTP-synchronised, and the stale
 * timeout is generous against skew.
 */
export interface LockRecord {
  lockId: string;
  owner: string;
  jobId: string;
  backupId: string;
  acquiredAt: string;
}

export const LOCK_FILE = '.lock';
const HEARTBEAT_PREFIX = '.lock.hb.';
const STALE_PREFIX = '.lock.stale.';
/** A lock record is about 200 bytes; a `.lock` larger than this is not one (and is not read further). */
const LOCK_BYTES_LIMIT = 16 * 1024;

export interface ShareLockOptions {
  /** Folder on the share that the lock protects (MASBackup). */
  dir: string;
  clock: Clock;
  heartbeatEveryMs?: number;
  staleAfterMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;

export interface HeldLock {
  record: LockRecord;
  /** Whether the lock on the share is still this one (another console takes over a lock whose heartbeats stopped). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

const join = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);

async function readText(share: FileShare, path: string): Promise<string> {
  const bytes = await readBounded(share, path, LOCK_BYTES_LIMIT, NO_CANCEL);
  if (bytes === null) throw new SyntaxError(`larger than ${LOCK_BYTES_LIMIT} bytes`);
  return bytes.toString('utf8');
}

/** What `.lock` holds: nothing (free), a lock record, or something that is not one. */
export type LockState =
  { state: 'free' } | { state: 'held'; record: LockRecord } | { state: 'unreadable'; reason: string; modifiedAt: Date | null };

function asLockRecord(value: unknown): LockRecord | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const fields = ['lockId', 'owner', 'jobId', 'backupId', 'acquiredAt'] as const;
  if (!fields.every((field) => typeof v[field] === 'string')) return null;
  if (!Number.isFinite(Date.parse(v.acquiredAt as string))) return null;
  return { lockId: v.lockId, owner: v.owner, jobId: v.jobId, backupId: v.backupId, acquiredAt: v.acquiredAt } as LockRecord;
}

/** Reads `.lock` in `dir`. An unreadable one comes with the server's modification time, by which it goes stale. */
export async function readLockState(share: FileShare, dir: string): Promise<LockState> {
  const path = join(dir, LOCK_FILE);
  let reason: string;
  try {
    const text = await readText(share, path);
    const record = text.length === 0 ? null : asLockRecord(JSON.parse(text));
    if (record) return { state: 'held', record };
    reason = text.length === 0 ? 'it is empty' : 'it is not a lock record';
  } catch (error) {
    // No lock file (or no folder yet): nobody holds the lock.
    if (isNotFound(error)) return { state: 'free' };
    if (!(error instanceof SyntaxError)) throw error;
    reason = error.message.startsWith('larger than') ? `it is ${error.message}` : 'it is not JSON';
  }
  const info = await share.stat(path, NO_CANCEL);
  if (!info) return { state: 'free' }; // removed while we looked
  return { state: 'unreadable', reason, modifiedAt: info.modifiedAt };
}

/** When an unreadable lock goes stale: `staleAfterMs` after the server last modified it (at once when the server gives no time). */
export function unreadableStaleAt(lock: { modifiedAt: Date | null }, staleAfterMs: number): number {
  return lock.modifiedAt ? lock.modifiedAt.getTime() + staleAfterMs : Number.NEGATIVE_INFINITY;
}

/** The share-relative path of the lock, as the operator sees it on the share. */
export function lockPathForPeople(dir: string): string {
  return join(dir, LOCK_FILE).replace(/\//g, '\\');
}

function unreadableLockError(dir: string, lock: { reason: string; modifiedAt: Date | null }, staleAfterMs: number): EngineError {
  const staleAt = new Date(unreadableStaleAt(lock, staleAfterMs)).toISOString();
  return new EngineError({
    code: 'backup-running',
    message: `The share's lock file ${lockPathForPeople(dir)} cannot be read (${lock.reason}), so it is not known whether a backup is running; it is treated as abandoned from ${staleAt}, ${staleAfterMs / 60_000} minutes after it last changed.`,
    remediation: `If no console is backing up to this location, delete ${lockPathForPeople(dir)} on the share; otherwise the next backup after ${staleAt} takes it over.`,
  });
}

function alreadyRunning(record: LockRecord | null): EngineError {
  return new EngineError({
    code: 'backup-running',
    message: record
      ? `A backup is already running on this share (console ${record.owner}, started ${record.acquiredAt}).`
      : 'A backup is already running on this share.',
    remediation:
      'Wait for it to finish. If that console crashed, its lock is taken over automatically (at once on this station, after 10 minutes without a heartbeat from another one).',
  });
}

export async function readLock(share: FileShare, dir: string): Promise<LockRecord | null> {
  const lock = await readLockState(share, dir);
  return lock.state === 'held' ? lock.record : null;
}

/** Newest heartbeat time of a lock (ms since epoch), or the acquisition time when it has none yet. */
export async function lastHeartbeat(share: FileShare, dir: string, record: LockRecord): Promise<number> {
  const prefix = `${HEARTBEAT_PREFIX}${record.lockId}.`;
  const beats = (await share.list(dir, NO_CANCEL)).filter((entry) => entry.name.startsWith(prefix));
  let newest = Date.parse(record.acquiredAt);
  for (const beat of beats) {
    try {
      const at = Date.parse((JSON.parse(await readText(share, beat.path)) as { at: string }).at);
      if (at > newest) newest = at;
    } catch {
      // A heartbeat deleted between list and read: the next one is newer anyway.
    }
  }
  return newest;
}

/**
 * True when the lock at `dir` may be held by a running job: a record whose
 * heartbeat is recent, or an unreadable `.lock` younger than `staleAfterMs`.
 */
export async function isLockLive(
  share: FileShare,
  dir: string,
  now: number,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
): Promise<{ live: boolean; record: LockRecord | null; unreadable: { reason: string; modifiedAt: Date | null } | null }> {
  const lock = await readLockState(share, dir);
  if (lock.state === 'free') return { live: false, record: null, unreadable: null };
  if (lock.state === 'unreadable') return { live: now < unreadableStaleAt(lock, staleAfterMs), record: null, unreadable: lock };
  const { record } = lock;
  // A lock of a dead process on this station needs no heartbeat timeout, which exists for stations we cannot ask.
  if (ownerIsDeadHere(record.owner)) return { live: false, record, unreadable: null };
  return { live: now - (await lastHeartbeat(share, dir, record)) < staleAfterMs, record, unreadable: null };
}

async function tryCreate(share: FileShare, dir: string, record: LockRecord): Promise<boolean> {
  try {
    await share.writeStream(join(dir, LOCK_FILE), Readable.from([Buffer.from(JSON.stringify(record))]), NO_CANCEL);
    return true;
  } catch (error) {
    // Lost the race: someone else's lock exists now.
    if (await share.stat(join(dir, LOCK_FILE), NO_CANCEL)) return false;
    throw error;
  }
}

async function deleteHeartbeats(share: FileShare, dir: string, lockId: string): Promise<void> {
  for (const entry of await share.list(dir, NO_CANCEL)) {
    if (entry.name.startsWith(`${HEARTBEAT_PREFIX}${lockId}.`)) await share.deleteTree(entry.path, NO_CANCEL);
  }
}

export async function acquireShareLock(
  share: FileShare,
  options: ShareLockOptions,
  job: { jobId: string; backupId: string },
): Promise<HeldLock> {
  const { dir, clock } = options;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const record: LockRecord = {
    lockId: randomUUID(),
    owner: thisProcessOwner(),
    jobId: job.jobId,
    backupId: job.backupId,
    acquiredAt: clock.now().toISOString(),
  };

  if (!(await tryCreate(share, dir, record))) {
    const existing = await isLockLive(share, dir, clock.now().getTime(), staleAfterMs);
    if (existing.unreadable) {
      if (existing.live) throw unreadableLockError(dir, existing.unreadable, staleAfterMs);
      await takeOverStale(share, dir, null);
    } else {
      if (existing.live || !existing.record) throw alreadyRunning(existing.record);
      await takeOverStale(share, dir, existing.record);
    }
    if (!(await tryCreate(share, dir, record))) throw alreadyRunning(await readLock(share, dir));
  }
  // Re-read: proves the lock on the share is ours, not a racing taker's.
  const onShare = await readLock(share, dir);
  if (onShare?.lockId !== record.lockId) throw alreadyRunning(onShare);

  let seq = 0;
  // Heartbeats written and not yet deleted: release deletes these by name
  // rather than listing the folder (a round trip to the share).
  const beats = new Set<string>();
  let beating: Promise<void> = Promise.resolve();
  const beat = async (): Promise<void> => {
    const name = join(dir, `${HEARTBEAT_PREFIX}${record.lockId}.${String(++seq).padStart(8, '0')}`);
    beats.add(name); // before writing: a write that fails half-way may still leave it
    await share.writeStream(name, Readable.from([Buffer.from(JSON.stringify({ at: clock.now().toISOString() }))]), NO_CANCEL);
    for (const older of beats) {
      if (older === name) continue;
      await share.deleteTree(older, NO_CANCEL);
      beats.delete(older);
    }
  };
  const timer = clock.setInterval(() => {
    // Heartbeat failures are not fatal by themselves: the job's own writes will fail with the real category.
    beating = beating.then(beat).catch(() => undefined);
    // Returned so a test's clock can await the beat it fired instead of waiting for it.
    return beating;
  }, options.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_MS);

  return {
    record,
    stillHeld: async () => (await readLock(share, dir))?.lockId === record.lockId,
    release: async () => {
      timer.cancel();
      await beating;
      const current = await readLock(share, dir).catch(() => null);
      if (current?.lockId === record.lockId) await share.deleteTree(join(dir, LOCK_FILE), NO_CANCEL);
      for (const name of beats) await share.deleteTree(name, NO_CANCEL);
    },
  };
}

/**
 * Moves the stale lock aside and deletes it. `stale` is the record judged
 * stale, or null for an unreadable lock: if what was moved turns out to be
 * another lock — someone took the lock in between — it is put back untouched.
 */
async function takeOverStale(share: FileShare, dir: string, stale: LockRecord | null): Promise<void> {
  const aside = join(dir, `${STALE_PREFIX}${randomUUID()}`);
  try {
    await share.rename(join(dir, LOCK_FILE), aside, NO_CANCEL);
  } catch {
    return; // another console moved it first; our create below decides
  }
  let moved: LockRecord | null = null;
  try {
    moved = asLockRecord(JSON.parse(await readText(share, aside)));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  if (moved?.lockId !== stale?.lockId) {
    // We moved a fresh lock someone else just took: put it back untouched.
    await share.rename(aside, join(dir, LOCK_FILE), NO_CANCEL).catch(() => undefined);
    throw alreadyRunning(moved);
  }
  await share.deleteTree(aside, NO_CANCEL);
  if (stale) await deleteHeartbeats(share, dir, stale.lockId);
}

/**
 * Removes the litter of earlier locks in `dir` — locks moved aside by a taker
 * that died, heartbeats of dead locks, temporary files of lock writes that
 * never finished — given the folder's entries. Only the holder of the lock
 * calls it: every other lock is dead then. Its own files (named by its
 * lockId) are left alone, and so is everything that is not a lock's. A file
 * that cannot be deleted is left for the next holder. Returns what was removed.
 */
export async function sweepLockLitter(
  share: FileShare,
  held: LockRecord,
  entries: readonly ShareEntry[],
  signal: AbortSignal,
): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'file' || entry.name === LOCK_FILE || entry.name.includes(held.lockId)) continue;
    const lockTemporary = isTemporaryFileName(entry.name) && entry.name.startsWith(`.${LOCK_FILE}.`);
    if (!isLockFileName(entry.name) && !lockTemporary) continue;
    try {
      await share.deleteTree(entry.path, signal);
      removed.push(entry.name);
    } catch (error) {
      if (signal.aborted) throw error;
    }
  }
  return removed;
}
