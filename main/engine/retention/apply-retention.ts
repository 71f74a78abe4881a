import { BACKUP_ROOT, isBackupId, PARTIAL_SUFFIX } from '../backup/backup-id';
import type { Clock } from '../clock';
import type { TimelineSink } from '../history/timeline-sink';
import { scrubSecrets } from '../redact';
import type { RetentionPlan } from './retention-policy';

/** The one share operation retention needs. Paths are relative to the share root, `/`-separated. */
export interface RetentionTarget {
  deleteTree(path: string): Promise<void>;
}

export interface RetentionFailure {
  /** The backup id (or `<id>.partial`) that could not be deleted. */
  target: string;
  /** Scrubbed technical reason, for the alert detail. */
  message: string;
}

export interface RetentionOutcome {
  deleted: string[];
  partialsDeleted: string[];
  failures: RetentionFailure[];
}

export interface ApplyRetentionOptions {
  timeline: TimelineSink;
  clock: Clock;
  /** The console's own folder on the share; nothing outside it is ever touched. */
  backupRoot?: string;
}

/**
 * Carries out a retention plan. Each deletion is recorded on the timeline; a
 * failure is returned (for the 'retention-delete-failed' alert) and not
 * thrown, so the rest of the plan still runs and the next tick retries it —
 * a failed backup is still expired next time and is planned again.
 */
export async function applyRetention(
  target: RetentionTarget,
  plan: RetentionPlan,
  options: ApplyRetentionOptions,
): Promise<RetentionOutcome> {
  const root = options.backupRoot ?? BACKUP_ROOT;
  const outcome: RetentionOutcome = { deleted: [], partialsDeleted: [], failures: [] };

  for (const backup of plan.toDelete) {
    if (backup.backupId === plan.keptNewestSuccessful) continue; // belt and braces: never the last good one
    const ok = await deleteOne(target, root, backup.backupId, '', outcome);
    if (!ok) continue;
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
    const ok = await deleteOne(target, root, id, PARTIAL_SUFFIX, outcome);
    if (!ok) continue;
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

async function deleteOne(target: RetentionTarget, root: string, id: string, suffix: string, outcome: RetentionOutcome): Promise<boolean> {
  const name = `${id}${suffix}`;
  // Only this console's backup ids: retention cannot be pointed at an operator's own folders next to ours or outside them.
  if (!isBackupId(id)) {
    outcome.failures.push({ target: name, message: 'not a backup id of this console; refused to delete' });
    return false;
  }
  try {
    await target.deleteTree(`${root}/${name}`);
    return true;
  } catch (error) {
    outcome.failures.push({ target: name, message: scrubSecrets(error instanceof Error ? error.message : String(error)) });
    return false;
  }
}

async function record(options: ApplyRetentionOptions, event: Parameters<TimelineSink['append']>[0]): Promise<void> {
  try {
    await options.timeline.append(event);
  } catch {
    // The history is a record, not a gate: the deletion happened either way.
  }
}
