import type { BackupSummary, TimelineEvent } from '../../../preload/api';

/**
 * The backup list an operator sees, as Azure Stack lists backups: the job
 * running now (Running), the backups on the share (the source of truth for
 * what exists), and the backups that did not run (Skipped, from this
 * console's history) — newest first.
 */
export function backupListRows(input: {
  running: BackupSummary | null;
  onShare: readonly BackupSummary[];
  skipped: readonly TimelineEvent[];
  /** What a skipped backup would have been encrypted with. */
  encryptionMode: BackupSummary['encryptionMode'];
}): BackupSummary[] {
  const skipped = input.skipped.map((event): BackupSummary => ({
    backupId: event.backupId ?? event.id,
    createdAt: event.at,
    completedAt: null,
    state: 'Skipped',
    trigger: event.trigger ?? 'scheduled',
    sizeBytes: 0,
    certificateThumbprint: null,
    encryptionMode: input.encryptionMode,
    recoveryReady: false,
    expiresAt: null,
    ...(event.reason ? { reason: event.reason } : {}),
  }));
  const rows = [...(input.running ? [input.running] : []), ...input.onShare, ...skipped];
  // Stable: rows created at the same time keep their order (the running job first).
  return rows
    .map((row, index) => ({ row, index, at: Date.parse(row.createdAt) }))
    .sort((a, b) => b.at - a.at || a.index - b.index)
    .map(({ row }) => row);
}
