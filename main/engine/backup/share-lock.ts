import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { EngineError } from '../errors';
import { processIsGone } from '../process-alive';
import type { FileShare } from '../share/file-share';
import { NO_CANCEL } from '../share/abort';
import { isNotFound } from '../share/share-errors';
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
 * Times are the writers' clocks; management stations are expected to be
 * NTP-synchronised, and the stale timeout is generous against skew.
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
  const stream = await share.readStream(path, NO_CANCEL);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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
  try {
    return JSON.parse(await readText(share, join(dir, LOCK_FILE))) as LockRecord;
  } catch (error) {
    // No lock file (or no folder yet): nobody holds the lock. A half-written one counts as none too.
    if (error instanceof SyntaxError || isNotFound(error)) return null;
    throw error;
  }
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
 * A lock taken on this very station by a process that no longer exists (the
 * console crashed or was killed) is dead now: no need to wait for the
 * heartbeat timeout, which exists for other stations we cannot ask.
 */
export function ownerIsDeadHere(owner: string): boolean {
  const separator = owner.lastIndexOf(':');
  if (owner.slice(0, separator) !== hostname()) return false;
  return processIsGone(Number(owner.slice(separator + 1)));
}

/** True when the lock at `dir` is held by a job whose heartbeat is recent. */
export async function isLockLive(
  share: FileShare,
  dir: string,
  now: number,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
): Promise<{ live: boolean; record: LockRecord | null }> {
  const record = await readLock(share, dir);
  if (!record) return { live: false, record: null };
  if (ownerIsDeadHere(record.owner)) return { live: false, record };
  return { live: now - (await lastHeartbeat(share, dir, record)) < staleAfterMs, record };
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
    owner: `${hostname()}:${process.pid}`,
    jobId: job.jobId,
    backupId: job.backupId,
    acquiredAt: clock.now().toISOString(),
  };

  if (!(await tryCreate(share, dir, record))) {
    const existing = await isLockLive(share, dir, clock.now().getTime(), staleAfterMs);
    if (existing.live || !existing.record) throw alreadyRunning(existing.record);
    await takeOverStale(share, dir, existing.record);
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

async function takeOverStale(share: FileShare, dir: string, stale: LockRecord): Promise<void> {
  const aside = join(dir, `.lock.stale.${randomUUID()}`);
  try {
    await share.rename(join(dir, LOCK_FILE), aside, NO_CANCEL);
  } catch {
    return; // another console moved it first; our create below decides
  }
  const moved = JSON.parse(await readText(share, aside)) as LockRecord;
  if (moved.lockId !== stale.lockId) {
    // We moved a fresh lock someone else just took: put it back untouched.
    await share.rename(aside, join(dir, LOCK_FILE), NO_CANCEL).catch(() => undefined);
    throw alreadyRunning(moved);
  }
  await share.deleteTree(aside, NO_CANCEL);
  await deleteHeartbeats(share, dir, stale.lockId);
}
