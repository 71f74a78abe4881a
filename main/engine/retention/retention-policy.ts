import type { BackupState, RetentionPreview } from '../../../preload/api';
import { DAY_MS } from '../clock';

/** What retention needs to know about a backup on the share (a BackupSummary fits). */
export interface RetainedBackup {
  backupId: string;
  createdAt: string;
  completedAt: string | null;
  state: BackupState;
  /** The certificate it is encrypted to (null in backwards-compatibility mode, or for an Unknown entry). */
  certificateThumbprint: string | null;
  /** Backwards-compatibility mode: the legacy key's id. */
  legacyKeyId?: string | undefined;
  /** The station key whose signature on the manifest verifies; null or absent when unsigned. */
  signedBy?: string | null | undefined;
}

/** A `<id>.partial` folder on the share, and whether a live job's lock covers it. */
export interface PartialFolder {
  backupId: string;
  lockLive: boolean;
}

/**
 * What tells this console's backups from anyone else's: the station keys it
 * signs with, and — for backups made before it began signing — every
 * certificate of its certificate history (thumbprints) and its legacy key's
 * id. Anything else was written by someone else (another console on the same
 * location, or a forger) and is never this console's to delete.
 */
export interface OwnKeys {
  thumbprints: ReadonlySet<string>;
  legacyKeyIds: ReadonlySet<string>;
  /** Public keys (base64) of this console's station signing keys. */
  signingKeys?: ReadonlySet<string>;
  /** When this console began signing: an unsigned backup created since is not its own. Null: it does not sign (yet). */
  signingSince?: string | null;
}

export interface RetentionInput {
  backups: readonly RetainedBackup[];
  partials?: readonly PartialFolder[];
  /** Ids of `<id>.deleting` folders: deletions a pass began and did not finish. */
  deleting?: readonly string[];
  retentionDays: number;
  now: Date;
  ownKeys: OwnKeys;
}

export interface RetentionPlan {
  retentionDays: number;
  /** Complete backups of this console older than the period, oldest first. */
  toDelete: RetainedBackup[];
  /** Ids of `.partial` folders no live job holds. */
  partialsToDelete: string[];
  /** Ids of `.deleting` folders to finish removing. */
  deletingToFinish: string[];
  /** Backups older than the period kept because each is the newest successful one of its key, newest first. */
  keptNewest: RetainedBackup[];
  /** Complete backups encrypted to keys this console does not know: never deleted, reported. */
  foreign: RetainedBackup[];
}

/** Backups that have finished, one way or another: the only ones retention may judge by age. Unknown entries never are. */
const COMPLETE_STATES: ReadonlySet<BackupState> = new Set(['Succeeded', 'PartialSucceeded', 'Failed']);

function finishedAt(backup: RetainedBackup): number {
  return Date.parse(backup.completedAt ?? backup.createdAt);
}

/** The key a backup is encrypted to, as one string ("certificate <thumbprint>", "legacy key <id>"); null when none is named. */
export function keyOf(backup: Pick<RetainedBackup, 'certificateThumbprint' | 'legacyKeyId'>): string | null {
  if (backup.certificateThumbprint) return `certificate ${backup.certificateThumbprint}`;
  if (backup.legacyKeyId) return `legacy key ${backup.legacyKeyId}`;
  return null;
}

/**
 * A backup is this console's when its signature is by one of its station
 * keys; an unsigned one only when it was created before this console began
 * signing and is encrypted to a certificate (or legacy key) it knows.
 */
export function isOwnBackup(backup: RetainedBackup, ownKeys: OwnKeys): boolean {
  if (backup.signedBy) return ownKeys.signingKeys?.has(backup.signedBy) ?? false;
  const since = ownKeys.signingSince ?? null;
  if (since !== null && !(Date.parse(backup.createdAt) < Date.parse(since))) return false;
  if (backup.certificateThumbprint) return ownKeys.thumbprints.has(backup.certificateThumbprint);
  return backup.legacyKeyId !== undefined && ownKeys.legacyKeyIds.has(backup.legacyKeyId);
}

function newest(backups: readonly RetainedBackup[], state: BackupState): RetainedBackup | null {
  let best: RetainedBackup | null = null;
  for (const b of backups) if (b.state === state && (best === null || finishedAt(b) > finishedAt(best))) best = b;
  return best;
}

/**
 * The backup of one key that retention never deletes: its newest Succeeded
 * backup — only a Succeeded backup holds every component, so it is the one a
 * full recovery needs. A PartialSucceeded backup counts only when that key
 * has no Succeeded backup at all: it is then the best recovery point left.
 */
export function newestSuccessful(backups: readonly RetainedBackup[]): RetainedBackup | null {
  return newest(backups, 'Succeeded') ?? newest(backups, 'PartialSucceeded');
}

/**
 * The backups kept whatever their age: the newest successful one of EVERY
 * key this console knows. One per key, because a .pfx opens only the backups
 * of its own certificate: the newest backup of certificate B is no recovery
 * point for whoever holds only A's .pfx.
 */
function keptPerKey(ours: readonly RetainedBackup[]): Set<RetainedBackup> {
  const byKey = new Map<string, RetainedBackup[]>();
  for (const backup of ours) {
    const key = keyOf(backup) ?? '';
    byKey.set(key, [...(byKey.get(key) ?? []), backup]);
  }
  const kept = new Set<RetainedBackup>();
  for (const group of byKey.values()) {
    const keep = newestSuccessful(group);
    if (keep) kept.add(keep);
  }
  return kept;
}

/**
 * Pure: which backups and leftovers the policy deletes now. A complete backup
 * of this console is expired when more than `retentionDays` × 24 h have
 * passed since it completed, unless it is the newest successful one of its
 * key. Backups of keys this console does not know are never deleted (another
 * console writes to this location); Unknown entries and running backups are
 * never judged by age. `.partial` folders go only when no live lock holds
 * them; `.deleting` folders are always finished.
 */
export function planRetention(input: RetentionInput): RetentionPlan {
  const periodMs = input.retentionDays * DAY_MS;
  const complete = input.backups.filter((b) => COMPLETE_STATES.has(b.state));
  const ours = complete.filter((b) => isOwnBackup(b, input.ownKeys));
  const foreign = complete.filter((b) => !isOwnBackup(b, input.ownKeys));
  const kept = keptPerKey(ours);
  const expired = (b: RetainedBackup): boolean => input.now.getTime() - finishedAt(b) > periodMs;
  const toDelete = ours.filter((b) => !kept.has(b) && expired(b)).sort((a, b) => finishedAt(a) - finishedAt(b));
  const keptNewest = [...kept].filter(expired).sort((a, b) => finishedAt(b) - finishedAt(a));
  const partialsToDelete = (input.partials ?? []).filter((p) => !p.lockLive).map((p) => p.backupId);
  return {
    retentionDays: input.retentionDays,
    toDelete,
    partialsToDelete,
    deletingToFinish: [...(input.deleting ?? [])],
    keptNewest,
    foreign,
  };
}

/** The dry run shown before lowering retention (like pruneExternalStore DryRun): the same plan, as a view. */
export function previewRetention(input: RetentionInput): RetentionPreview {
  const plan = planRetention(input);
  return {
    retentionDays: plan.retentionDays,
    toDelete: plan.toDelete.map((b) => ({ backupId: b.backupId, completedAt: b.completedAt, state: b.state })),
    keptNewestSuccessful: plan.keptNewest[0]?.backupId ?? null,
    kept: [
      ...plan.keptNewest.map((b) => ({ backupId: b.backupId, reason: `the newest successful backup of ${keyOf(b) ?? 'its key'}` })),
      ...plan.foreign.map((b) => ({
        backupId: b.backupId,
        reason: b.signedBy
          ? `made by another console (station key ${b.signedBy}): never deleted by this one`
          : `encrypted to ${keyOf(b) ?? 'no key it names'} and unsigned: not provably this console's, never deleted by it`,
      })),
    ],
  };
}

/**
 * When retention will delete each backup (for the Available backups table
 * and the timeline): completion + period. Null for the backups kept whatever
 * their age (the newest successful one of each key), for backups of keys this
 * console does not know, and for Unknown entries and running backups.
 */
export function withExpiry<T extends RetainedBackup>(
  backups: readonly T[],
  retentionDays: number,
  ownKeys: OwnKeys,
): Array<T & { expiresAt: string | null }> {
  const kept = keptPerKey(backups.filter((b) => COMPLETE_STATES.has(b.state) && isOwnBackup(b, ownKeys)));
  return backups.map((b) => ({
    ...b,
    expiresAt:
      !COMPLETE_STATES.has(b.state) || kept.has(b) || !isOwnBackup(b, ownKeys)
        ? null
        : new Date(finishedAt(b) + retentionDays * DAY_MS).toISOString(),
  }));
}

/** The complete backups on the share this console did not make, by who made them (for the alert): a station key, else the key they are encrypted to. */
export function foreignKeys(backups: readonly RetainedBackup[], ownKeys: OwnKeys): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const b of backups) {
    if (!COMPLETE_STATES.has(b.state) || isOwnBackup(b, ownKeys)) continue;
    const key = b.signedBy ? `station key ${b.signedBy}` : `unsigned, ${keyOf(b) ?? 'no key'}`;
    found.set(key, [...(found.get(key) ?? []), b.backupId]);
  }
  return found;
}
