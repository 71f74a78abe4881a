import { BACKUP_ROOT, DELETING_SUFFIX, isBackupId, PARTIAL_SUFFIX } from '../backup/backup-id';
import type { Clock } from '../clock';
import type { TimelineSink } from '../history/timeline-sink';
import { scrubSecrets } from '../redact';
import { isNotFound } from '../share/share-errors';
import type { RetentionPlan } from './retention-policy';

/** The share operations retention needs. Paths are relative to the share root, `/`-separated. */
export interface RetentionTarget {
  rename(from: string, to: string): Promise<void>;
  deleteTree(path: string): Promise<void>;
}

export interface RetentionFailure {
  /** The folder (`<id>`, `<id>.partial`, `<id>.deleting`) that could not be deleted. */
  target: string;
  /** Scrubbed technical reason, for the alert detail. */
  message: string;
}

export interface RetentionOutcome {
  deleted: string[];
  partialsDeleted: string[];
  /** `.deleting` folders of an earlier, interrupted pass, now removed. */
  deletionsFinished: string[];
  failures: RetentionFailure[];
}

export interface ApplyRetentionOptions {
  timeline: TimelineSink;
  clock: Clock;
}

/**
 * Carries out a retention plan. A backup is deleted in two steps: it is
 * unpublished first — renamed to `<id>.deleting` in one atomic rename, so it
 * is never listed again, whatever happens next — and then removed. A pass
 * killed half-way leaves a `.deleting` folder, which no listing shows as a
 * backup and the next pass finishes. Only folders named by a backup id (the
 * catalog took the id from the folder's name, never from a manifest) are
 * addressed, and only directly under MASBackup\.
 *
 * Each deletion is recorded on the timeline; a failure is returned (for the
 * 'retention-delete-failed' alert) and not thrown, so the rest of the plan
 * still runs and the next pass retries it.
 */
export async function applyRetention(
  target: RetentionTarget,
  plan: RetentionPlan,
  options: ApplyRetentionOptions,
): Promise<RetentionOutcome> {
  const outcome: RetentionOutcome = { deleted: [], partialsDeleted: [], deletionsFinished: [], failures: [] };
  const kept = new Set(plan.keptNewest.map((b) => b.backupId));

  for (const id of plan.deletingToFinish) {
    if (await remove(target, id, DELETING_SUFFIX, outcome)) outcome.deletionsFinished.push(id);
  }

  for (const backup of plan.toDelete) {
    if (kept.has(backup.backupId)) continue; // belt and braces: never the last good one of a key
    if (!(await unpublishAndRemove(target, backup.backupId, outcome))) continue;
    outcome.deleted.push(backup.backupId);
    await record(options, {
      kind: 'retention-deleted',
      at: options.clock.now().toISOString(),
      backupId: backup.backupId,
      state: backup.state,
      reason: `older than ${plan.retentionDays} days`,
      summary: `Backup ${backup.backupId} (completed ${backup.completedAt ?? 'never'}) deleted: older than the ${plan.retentionDays}-day retention period`,
    });
  }

  for (const id of plan.partialsToDelete) {
    if (!(await remove(target, id, PARTIAL_SUFFIX, outcome))) continue;
    outcome.partialsDeleted.push(id);
    await record(options, {
      kind: 'retention-deleted',
      at: options.clock.now().toISOString(),
      backupId: id,
      reason: 'unfinished backup of a job that no longer runs',
      summary: `Unfinished backup folder ${id}${PARTIAL_SUFFIX} removed: its job no longer holds a lock`,
    });
  }
  return outcome;
}

const folder = (id: string, suffix = ''): string => `${BACKUP_ROOT}/${id}${suffix}`;

/** Renames `<id>` to `<id>.deleting`, then removes that. False (with the failure noted) when either step failed. */
async function unpublishAndRemove(target: RetentionTarget, id: string, outcome: RetentionOutcome): Promise<boolean> {
  if (!refuseOther(id, '', outcome)) return false;
  try {
    await target.rename(folder(id), folder(id, DELETING_SUFFIX));
  } catch (renameError) {
    // Gone already (another console's retention was first): nothing of ours to do.
    if (isNotFound(renameError)) return false;
    // `<id>.deleting` is already there (a backup restored under the name of one being deleted): finish that one first.
    if (!(await remove(target, id, DELETING_SUFFIX, outcome))) return false;
    try {
      await target.rename(folder(id), folder(id, DELETING_SUFFIX));
    } catch (error) {
      if (!isNotFound(error)) outcome.failures.push({ target: id, message: reasonOf(error) });
      return false;
    }
  }
  return remove(target, id, DELETING_SUFFIX, outcome);
}

async function remove(target: RetentionTarget, id: string, suffix: string, outcome: RetentionOutcome): Promise<boolean> {
  if (!refuseOther(id, suffix, outcome)) return false;
  try {
    await target.deleteTree(folder(id, suffix));
    return true;
  } catch (error) {
    outcome.failures.push({ target: `${id}${suffix}`, message: reasonOf(error) });
    return false;
  }
}

/** Only this console's names: a plan can never point retention at anything but a backup folder of MASBackup\. */
function refuseOther(id: string, suffix: string, outcome: RetentionOutcome): boolean {
  if (isBackupId(id)) return true;
  outcome.failures.push({ target: `${id}${suffix}`, message: 'not a backup id of this console; refused to delete' });
  return false;
}

function reasonOf(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}

async function record(options: ApplyRetentionOptions, event: Parameters<TimelineSink['append']>[0]): Promise<void> {
  try {
    await options.timeline.append(event);
  } catch {
    // The history is a record, not a gate: the deletion happened either way.
  }
}
