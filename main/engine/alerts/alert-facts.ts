import type { BackupState } from '../../../preload/api';
import type { AlertFacts } from './evaluate-alerts';

/** The slice of a BackupSummary the alert facts need. */
export interface BackupFact {
  completedAt: string | null;
  createdAt: string;
  state: BackupState;
  sizeBytes: number;
}

/**
 * Facts drawn from the backups on the share: the size of the newest complete
 * backup (the forecast's unit), and how much our backups already occupy
 * (freed by retention). When backups ran comes from the run log, not from here.
 */
export function backupFacts(backups: readonly BackupFact[]): Pick<AlertFacts, 'lastBackupSizeBytes'> & { storedBackupBytes: number } {
  let lastComplete: BackupFact | null = null;
  let stored = 0;
  const at = (b: BackupFact): number => Date.parse(b.completedAt ?? b.createdAt);
  for (const b of backups) {
    // Running backups are not on the share yet; Unknown entries are not backups at all.
    if (b.state === 'Queued' || b.state === 'Creating' || b.state === 'Unknown') continue;
    stored += b.sizeBytes;
    if (b.state !== 'Failed' && (lastComplete === null || at(b) > at(lastComplete))) lastComplete = b;
  }
  return { lastBackupSizeBytes: lastComplete ? lastComplete.sizeBytes : null, storedBackupBytes: stored };
}
