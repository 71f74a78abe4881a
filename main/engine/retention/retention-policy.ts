import type { BackupState, RetentionPreview } from '../../../preload/api';
import { DAY_MS } from '../clock';

/** What retention needs to know about a backup on the share (a BackupSummary fits). */
export interface RetainedBackup {
  backupId: string;
  createdAt: string;
  completedAt: string | null;
  state: BackupState;
}

/** A `<id>.partial` folder on the share, and whether a live job's lock covers it. */
export interface PartialFolder {
  backupId: string;
  lockLive: boolean;
}

export interface RetentionInput {
  backups: readonly RetainedBackup[];
  partials?: readonly PartialFolder[];
  retentionDays: number;
  now: Date;
}

export interface RetentionPlan {
  retentionDays: number;
  /** Complete backups older than the period, oldest first. */
  toDelete: RetainedBackup[];
  /** Ids of `.partial` folders no live job holds. */
  partialsToDelete: string[];
  /** The backup kept whatever its age: it is the last good one. */
  keptNewestSuccessful: string | null;
}

/** Backups that have finished, one way or another: the only ones retention may judge by age. */
const COMPLETE_STATES: ReadonlySet<BackupState> = new Set(['Succeeded', 'PartialSucceeded', 'Failed']);

function finishedAt(backup: RetainedBackup): number {
  return Date.parse(backup.completedAt ?? backup.createdAt);
}

function newest(backups: readonly RetainedBackup[], state: BackupState): RetainedBackup | null {
  let best: RetainedBackup | null = null;
  for (const b of backups) if (b.state === state && (best === null || finishedAt(b) > finishedAt(best))) best = b;
  return best;
}

/**
 * The backup retention never deletes. It is the newest Succeeded backup:
 * only a Succeeded backup holds every component, so it is the one a full
 * recovery needs. A PartialSucceeded backup counts only when no Succeeded
 * backup exists at all — it is then the best recovery point left, and a
 * console whose backups keep failing must not erase it.
 */
export function newestSuccessful(backups: readonly RetainedBackup[]): RetainedBackup | null {
  return newest(backups, 'Succeeded') ?? newest(backups, 'PartialSucceeded');
}

/**
 * Pure: which backups and `.partial` folders the policy deletes now. A complete
 * backup is expired when more than `retentionDays` × 24 h have passed since it
 * completed. Running backups (Queued, Creating) are never judged by age; their
 * folders are `.partial` ones, which go only when no live lock holds them.
 */
export function planRetention(input: RetentionInput): RetentionPlan {
  const periodMs = input.retentionDays * DAY_MS;
  const keep = newestSuccessful(input.backups);
  const toDelete = input.backups
    .filter((b) => COMPLETE_STATES.has(b.state) && b !== keep && input.now.getTime() - finishedAt(b) > periodMs)
    .sort((a, b) => finishedAt(a) - finishedAt(b));
  const partialsToDelete = (input.partials ?? []).filter((p) => !p.lockLive).map((p) => p.backupId);
  const keptNewestSuccessful = keep !== null && input.now.getTime() - finishedAt(keep) > periodMs ? keep.backupId : null;
  return { retentionDays: input.retentionDays, toDelete, partialsToDelete, keptNewestSuccessful };
}

/** The dry run shown before lowering retention (like pruneExternalStore DryRun): the same plan, as a view. */
export function previewRetention(input: RetentionInput): RetentionPreview {
  const plan = planRetention(input);
  return {
    retentionDays: plan.retentionDays,
    toDelete: plan.toDelete.map((b) => ({ backupId: b.backupId, completedAt: b.completedAt, state: b.state })),
    keptNewestSuccessful: plan.keptNewestSuccessful,
  };
}

/**
 * When retention will delete a backup (for the Available backups table and
 * the timeline): completion + period. Null for the newest successful backup
 * (kept until a newer one succeeds) and for backups still running.
 */
export function expiresAt(backup: RetainedBackup, retentionDays: number, all: readonly RetainedBackup[]): string | null {
  return expiryOf(backup, retentionDays, newestSuccessful(all));
}

/** expiresAt for every backup at once (one newest-successful computation). */
export function withExpiry<T extends RetainedBackup>(
  backups: readonly T[],
  retentionDays: number,
): Array<T & { expiresAt: string | null }> {
  const keep = newestSuccessful(backups);
  return backups.map((b) => ({ ...b, expiresAt: expiryOf(b, retentionDays, keep) }));
}

function expiryOf(backup: RetainedBackup, retentionDays: number, keep: RetainedBackup | null): string | null {
  if (!COMPLETE_STATES.has(backup.state)) return null;
  if (keep !== null && keep.backupId === backup.backupId) return null;
  return new Date(finishedAt(backup) + retentionDays * DAY_MS).toISOString();
}
