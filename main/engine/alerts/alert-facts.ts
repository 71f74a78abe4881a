import type { BackupState, ShareFailureCategory, TimelineEvent } from '../../../preload/api';
import type { AlertFacts } from './evaluate-alerts';

/** The slice of a BackupSummary the alert facts need. */
export interface BackupFact {
  completedAt: string | null;
  createdAt: string;
  state: BackupState;
  sizeBytes: number;
}

/**
 * Facts drawn from the backups on the share: when the newest Succeeded
 * backup completed, the size of the newest complete backup (the forecast's
 * unit), and how much our backups already occupy (freed by retention).
 */
export function backupFacts(
  backups: readonly BackupFact[],
): Pick<AlertFacts, 'lastSuccessAt' | 'lastBackupSizeBytes'> & { storedBackupBytes: number } {
  let lastSuccess: BackupFact | null = null;
  let lastComplete: BackupFact | null = null;
  let stored = 0;
  const at = (b: BackupFact): number => Date.parse(b.completedAt ?? b.createdAt);
  for (const b of backups) {
    // Running backups are not on the share yet; Unknown entries are not backups at all.
    if (b.state === 'Queued' || b.state === 'Creating' || b.state === 'Unknown') continue;
    stored += b.sizeBytes;
    if (b.state === 'Succeeded' && (lastSuccess === null || at(b) > at(lastSuccess))) lastSuccess = b;
    if (b.state !== 'Failed' && (lastComplete === null || at(b) > at(lastComplete))) lastComplete = b;
  }
  return {
    lastSuccessAt: lastSuccess ? (lastSuccess.completedAt ?? lastSuccess.createdAt) : null,
    lastBackupSizeBytes: lastComplete ? lastComplete.sizeBytes : null,
    storedBackupBytes: stored,
  };
}

/**
 * The last finished run, from the timeline: a failed run usually leaves no
 * backup on the share, so the history is where its failure category lives.
 * `events` newest first, as HistoryStore.query returns them.
 */
export function lastRunFromTimeline(events: readonly TimelineEvent[]): AlertFacts['lastRun'] {
  const run = events.find((e) => e.kind === 'run-finished' && e.state !== undefined);
  if (!run || run.state === undefined) return null;
  const lastRun: NonNullable<AlertFacts['lastRun']> = { state: run.state, finishedAt: run.at };
  if (run.category !== undefined) lastRun.category = run.category as ShareFailureCategory;
  if (run.reason !== undefined) lastRun.message = run.reason;
  return lastRun;
}
