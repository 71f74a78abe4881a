import type { BackupState, BackupTrigger, ShareFailureCategory, TimelineEvent } from '../../../preload/api';
import { newBackupId } from '../backup/backup-id';
import type { NewTimelineEvent } from './timeline-sink';
import { durationWords } from '../../../common/duration-words';

/**
 * Builders for the run events. Whoever starts a backup (the scheduler's
 * runBackup, Backup now, the CLI) records them, so on-demand and scheduled
 * runs look the same on the timeline apart from their trigger.
 */
export function runStartedEvent(run: { backupId: string; trigger: BackupTrigger; at: string; owner: string }): NewTimelineEvent {
  return {
    kind: 'run-started',
    at: run.at,
    backupId: run.backupId,
    trigger: run.trigger,
    state: 'Creating',
    owner: run.owner,
    summary: `${triggerText(run.trigger)} backup ${run.backupId} started`,
  };
}

/** Why a run that started has no end of its own on the timeline. */
export const RUN_INTERRUPTED_REASON =
  'The console process running this backup ended before the backup finished (it crashed, was killed or the station lost power); nothing of it was published, and the next backup removes what it left on the share.';

/** The end a run cut off by its process's death never wrote, recorded by the next process that finds it. */
export function runInterruptedEvent(started: TimelineEvent, at: string): NewTimelineEvent {
  return runFinishedEvent({
    backupId: started.backupId ?? '',
    trigger: started.trigger ?? 'on-demand',
    state: 'Failed',
    at,
    durationSeconds: Math.max(0, (Date.parse(at) - Date.parse(started.at)) / 1000),
    message: RUN_INTERRUPTED_REASON,
  });
}

export function runFinishedEvent(run: {
  backupId: string;
  trigger: BackupTrigger;
  state: BackupState;
  at: string;
  durationSeconds: number;
  category?: ShareFailureCategory;
  message?: string;
  failedDuringCopy?: boolean;
}): NewTimelineEvent {
  const event: NewTimelineEvent = {
    kind: 'run-finished',
    at: run.at,
    backupId: run.backupId,
    trigger: run.trigger,
    state: run.state,
    durationSeconds: run.durationSeconds,
    summary: `${triggerText(run.trigger)} backup ${run.backupId} ${run.state} after ${durationWords(run.durationSeconds, true)}${run.message ? `: ${run.message}` : ''}`,
  };
  if (run.category !== undefined) event.category = run.category;
  if (run.message !== undefined) event.reason = run.message;
  if (run.failedDuringCopy) event.failedDuringCopy = true;
  return event;
}

/**
 * A scheduled slot that did not run: a Skipped backup of its own (Azure
 * Stack lists skipped backups with an id), shown in the list and the timeline.
 */
export function slotSkippedEvent(slot: {
  at: string;
  trigger: Extract<BackupTrigger, 'scheduled' | 'catch-up'>;
  reason: string;
}): NewTimelineEvent {
  return {
    kind: 'slot-skipped',
    at: slot.at,
    backupId: newBackupId(new Date(slot.at)),
    trigger: slot.trigger,
    state: 'Skipped',
    reason: slot.reason,
    summary: `Scheduled backup of ${slot.at} skipped: ${slot.reason}`,
  };
}

function triggerText(trigger: BackupTrigger): string {
  return trigger === 'on-demand' ? 'On-demand' : trigger === 'catch-up' ? 'Catch-up' : 'Scheduled';
}
