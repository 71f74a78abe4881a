import type { BackupState, BackupTrigger, DeclaredBackupInfo, JobProgress, PruneItem, ShareFailureCategory } from '../../../preload/api';

type JobState = JobProgress['state'];

/** The engine's identifiers in operator words. */
export const STATE_WORDS: Record<BackupState | JobState, string> = {
  Queued: 'Queued',
  Creating: 'Running',
  Running: 'Running',
  Cancelling: 'Cancelling',
  Succeeded: 'Succeeded',
  PartialSucceeded: 'Partially succeeded',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
  Skipped: 'Skipped',
  Unknown: 'Unknown',
};

export const TRIGGER_WORDS: Record<BackupTrigger, string> = {
  scheduled: 'Scheduled',
  'on-demand': 'On demand',
  'catch-up': 'Catch-up',
};

export const CATEGORY_WORDS: Record<ShareFailureCategory, string> = {
  capacity: 'the file share is out of capacity',
  connectivity: 'the file share could not be reached',
  path: 'the path of the file share is not valid',
  authentication: 'the file share refused the credentials',
  'cannot-write': 'the file share refused to let the account write',
  general: 'a general fault of the file share',
};

/** The backupInfo facts a stamp's backup records, by the API's names (Microsoft.Backup.Admin). */
export const BACKUP_INFO_LABELS: Record<keyof DeclaredBackupInfo, string> = {
  stampVersion: 'Stamp version',
  deploymentID: 'Deployment ID',
  oemVersion: 'OEM version',
  backupDataVersion: 'Backup data version',
};

/** What a command source declares for each backup (`sources add … --stamp-version …`), in words; null when it declares nothing. */
export function declaredBackupInfoWords(info: DeclaredBackupInfo | undefined): string | null {
  const facts = (Object.keys(BACKUP_INFO_LABELS) as Array<keyof DeclaredBackupInfo>)
    .filter((field) => info?.[field] !== undefined)
    .map((field) => `${BACKUP_INFO_LABELS[field]} ${info![field]!}`);
  return facts.length > 0 ? `Recorded in each backup: ${facts.join(' · ')}` : null;
}

export type Tone = 'success' | 'warning' | 'error' | 'info' | 'neutral';

export function stateTone(state: BackupState): Tone {
  if (state === 'Succeeded') return 'success';
  if (state === 'Failed') return 'error';
  if (state === 'PartialSucceeded' || state === 'Cancelled' || state === 'Skipped' || state === 'Unknown') return 'warning';
  return 'info';
}

export { isStoredBackup } from '../../../common/contract/views';

/** "1 backup", "3 backups". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The first and last characters of a thumbprint, for dense tables (the whole value is a hover away). */
export function shortThumbprint(thumbprint: string): string {
  return thumbprint.length <= 12 ? thumbprint : `${thumbprint.slice(0, 6)}…${thumbprint.slice(-4)}`;
}

/** What prune found, by kind, in operator words. */
export const PRUNE_KIND_WORDS: Record<PruneItem['kind'], string> = {
  partial: 'Unfinished backup',
  deleting: 'Unfinished deletion',
  temporary: 'Temporary file',
  lock: 'Lock file',
  unknown: 'Unknown',
};

export const PRUNE_ACTION_WORDS: Record<PruneItem['action'], string> = {
  'would-remove': 'Removed by prune',
  removed: 'Removed',
  kept: 'Kept',
  failed: 'Not removed',
};
