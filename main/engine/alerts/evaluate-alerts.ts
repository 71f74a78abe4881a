import type { Alert, AlertKind, BackupState, ShareFailureCategory } from '../../../preload/api';
import { HOUR_MS } from '../clock';
import { SHARE_FAILURE_TEXTS } from '../share/share-failure-texts';
import { formatBytes } from '../../../common/format-bytes';
import { ALMOST_FULL_PERCENT } from '../../../common/settings-schema';

/** Everything the alert rules look at; the service gathers it (share listing, settings, schedule). */
export interface AlertFacts {
  now: Date;
  /** Backup has been configured (location, credentials, encryption). */
  configured: boolean;
  /**
   * The most recent finished run, whatever its trigger: drives the failure
   * alerts. `failedDuringCopy`: it failed after backup data began to reach the share.
   */
  lastRun: {
    state: BackupState;
    finishedAt: string;
    category?: ShareFailureCategory | null;
    message?: string | null;
    failedDuringCopy?: boolean;
  } | null;
  /**
   * The newest run whatever its outcome: a Skipped one (the share's lock was
   * held by another console or a prune) raises the conflict alert until a run ends otherwise.
   */
  lastAttempt?: { state: BackupState; finishedAt: string; message?: string | null } | null;
  /** Percent of the share's capacity in use at which "almost full" is raised (the setting; ALMOST_FULL_PERCENT.default when absent). */
  almostFullPercent?: number;
  /** When the newest Succeeded backup completed (PartialSucceeded does not count). */
  lastSuccessAt: string | null;
  /**
   * How long ago that was in real time (elapsed clock), when known: the
   * no-recent-backup rule uses it rather than wall time, so a clock step
   * cannot keep the alert from firing.
   */
  msSinceLastSuccess?: number | null;
  schedule: {
    enabled: boolean;
    disabledSince: string | null;
    frequencyHours: number;
    anchor: string | null;
    /** A maintenance pause in force (schedule pause), or none. */
    pause?: { since: string; until: string; reason: string } | null;
  };
  retentionDays: number;
  /** Free space on the share (null: unknown), and bytes our retained backups already use there. */
  capacity?: { freeBytes: number | null; totalBytes?: number | null; storedBackupBytes?: number };
  /** Size of the newest complete backup on the share. */
  lastBackupSizeBytes?: number | null;
  /** Certificate history: which certificates still protect backups, and whether their .pfx was confirmed. */
  certificateHistory?: ReadonlyArray<{ thumbprint: string; backupIds: readonly string[]; pfxConfirmed: boolean }>;
  /** Retention deletions that failed on the last pass (retried on the next tick). */
  retentionDeleteFailures?: ReadonlyArray<{ target: string; message: string }>;
  encryptionMode: 'none' | 'certificate' | 'legacy-key';
  /** Set when the share password could not be protected by the OS keychain. */
  secretStorageFallback?: string | null;
  /** Complete backups on the share encrypted to keys this console does not know, by key ("certificate <thumbprint>"). */
  foreignBackups?: ReadonlyMap<string, readonly string[]>;
  /** Names under MASBackup\ that are not backups (Unknown entries), as listed. */
  unknownEntries?: readonly string[];
  /** MASBackup\.lock, when it cannot be read as a lock: backups are blocked until it goes stale. */
  unreadableLock?: { path: string; reason: string; staleAt: string } | null;
}

/** An alert as the rules produce it; the AlertCenter gives it an id and keeps its first raisedAt. */
export type EvaluatedAlert = Omit<Alert, 'id'>;

/** How many backups the retention period holds at this frequency, plus the one being written. */
export function backupsKeptWithinRetention(retentionDays: number, frequencyHours: number): number {
  return Math.ceil((retentionDays * 24) / frequencyHours) + 1;
}

/**
 * Pure: the alerts that hold for these facts, at most one per kind. A
 * failure alert holds while the last finished run is Failed, so the next
 * success (Succeeded or PartialSucceeded: the share worked) closes it.
 */
export function evaluateAlerts(facts: AlertFacts): EvaluatedAlert[] {
  const raisedAt = facts.now.toISOString();
  const out: EvaluatedAlert[] = [];
  const free = facts.capacity?.freeBytes ?? null;
  const add = (kind: AlertKind, severity: Alert['severity'], title: string, remediation: string, detail?: string): void => {
    const alert: EvaluatedAlert = { kind, severity, title, remediation, raisedAt };
    if (detail !== undefined) alert.detail = detail;
    out.push(alert);
  };

  if (facts.lastRun?.state === 'Failed') {
    const category = facts.lastRun.category ?? 'general';
    const text = SHARE_FAILURE_TEXTS[category];
    const detail = `Last run failed at ${facts.lastRun.finishedAt}${facts.lastRun.message ? `: ${facts.lastRun.message}` : ''}`;
    // A connection lost (or a general fault) mid-copy is Azure Stack's "failed during file copy";
    // a full share or a refused write mid-copy keeps its own, more precise alert.
    if (facts.lastRun.failedDuringCopy && (category === 'connectivity' || category === 'general'))
      add(
        'backup-copy-failed',
        'critical',
        'Backup failed during file copy to the external share.',
        'The file share stopped taking the backup data part-way (the connection broke, or the server failed the write); the incomplete copy is removed. Check the network path to the file server and the server itself (did it restart, does its log show errors?), then select Backup now. The alert closes when a backup succeeds.',
        detail,
      );
    else add(category, 'critical', text.alertTitle, text.remediation, detail);
  }

  if (facts.lastRun?.state === 'PartialSucceeded') {
    add(
      'backup-partially-succeeded',
      'warning',
      'The backup only partially completed.',
      'Some components could not be backed up: see the failed components in the backup details (or `infra-backup backup list`) and the log, fix their sources, then select Backup now. The alert closes when a backup succeeds.',
      `Backup finished PartialSucceeded at ${facts.lastRun.finishedAt}${facts.lastRun.message ? `: ${facts.lastRun.message}` : ''}`,
    );
  }

  if (facts.lastAttempt?.state === 'Skipped') {
    add(
      'backup-skipped-conflict',
      'warning',
      'Scheduled backup was skipped due to a conflict with another operation.',
      "Another console (or a prune) holds the backup folder's lock. Wait for it to finish; the next backup runs as usual. If only one console should write to this location, give each console its own folder on the share. The alert closes when a backup runs.",
      `Skipped at ${facts.lastAttempt.finishedAt}${facts.lastAttempt.message ? `: ${facts.lastAttempt.message}` : ''}`,
    );
  }

  const total = facts.capacity?.totalBytes ?? null;
  const threshold = facts.almostFullPercent ?? ALMOST_FULL_PERCENT.default;
  if (facts.configured && free !== null && total !== null && total > 0) {
    const usedPercent = ((total - free) / total) * 100;
    if (usedPercent >= threshold) {
      add(
        'share-almost-full',
        'warning',
        'The backup file share is almost full.',
        `Add capacity to the file share, or free space on it (other data first; then lower the retention period). Backups fail once the share is full. The alert is raised at ${threshold} % used (the almost-full threshold in Configuration, or \`infra-backup config set --almost-full-percent N\`) and closes below it.`,
        `${Math.floor(usedPercent)} % of ${formatBytes(total)} is used (${formatBytes(free)} free); the alert is raised at ${threshold} %.`,
      );
    }
  }

  // Not configured at all (a fresh station, or after Clear configuration): nothing is backed up.
  // Configured with automatic backups off is the next alert's case, never both.
  if (!facts.configured) {
    add(
      'backup-not-enabled',
      'warning',
      'Backup is not enabled for the location.',
      'No backup location is configured, so no infrastructure backup is taken. Configure the backup location, its credentials and the encryption certificate (Configuration, or `infra-backup config set`). The alert closes when a location is saved.',
    );
  }

  if (facts.configured && !facts.schedule.enabled) {
    const since = facts.schedule.disabledSince;
    add(
      'automatic-backups-disabled',
      'informational',
      since ? `Automatic backups are disabled since ${since}.` : 'Automatic backups are disabled.',
      'Select Enable Automatic Backups (or run `infra-backup schedule enable`) to resume the schedule; until then, take backups on demand.',
    );
  }

  const pause = facts.schedule.pause;
  if (facts.configured && pause && Date.parse(pause.until) > facts.now.getTime()) {
    add(
      'backups-paused',
      'warning',
      'Infrastructure backups are paused.',
      'Scheduled backups are skipped until the pause ends. Resume backups when the maintenance is over (Resume backups, or `infra-backup schedule resume`); the pause also ends by itself at the time shown.',
      `Paused since ${pause.since} until ${pause.until}: ${pause.reason}`,
    );
  }

  if (facts.configured) {
    const reference = facts.lastSuccessAt ?? facts.schedule.anchor;
    const sinceMs =
      facts.lastSuccessAt !== null && facts.msSinceLastSuccess != null
        ? facts.msSinceLastSuccess
        : reference !== null
          ? facts.now.getTime() - Date.parse(reference)
          : null;
    const windowHours = 2 * facts.schedule.frequencyHours;
    if (sinceMs !== null && sinceMs > windowHours * HOUR_MS) {
      add(
        'no-recent-backup',
        'warning',
        `No successful backup in the last ${windowHours} hours.`,
        'Check the other alerts and the timeline for failed or skipped runs, fix the cause, then select Backup now.',
        facts.lastSuccessAt ? `Last successful backup: ${facts.lastSuccessAt}` : 'No backup has succeeded since backup was configured.',
      );
    }
  }

  const size = facts.lastBackupSizeBytes ?? null;
  if (facts.configured && size !== null && size > 0 && free !== null) {
    const kept = backupsKeptWithinRetention(facts.retentionDays, facts.schedule.frequencyHours);
    const needed = size * kept;
    const available = free + (facts.capacity?.storedBackupBytes ?? 0);
    if (needed > available) {
      add(
        'capacity-forecast',
        'warning',
        'The file share will not hold the backups the retention period keeps.',
        'Add capacity to the file share, or lower the retention period or the backup frequency.',
        `${kept} backups of about ${formatBytes(size)} need ${formatBytes(needed)}; the share has ${formatBytes(free)} free${facts.capacity?.storedBackupBytes ? ` plus ${formatBytes(facts.capacity.storedBackupBytes)} used by existing backups` : ''}.`,
      );
    }
  }

  const unconfirmed = (facts.certificateHistory ?? []).filter((c) => c.backupIds.length > 0 && !c.pfxConfirmed);
  if (unconfirmed.length > 0) {
    add(
      'unconfirmed-recovery-key',
      'warning',
      'Backups are protected by a certificate whose .pfx you have not confirmed having.',
      'Find the .pfx of each listed certificate and run Check my recovery key (Keys and certificates, or `infra-backup backup check-key --pfx FILE --pfx-password-stdin`); a restore or a verify with it counts too. Without it those backups cannot be restored.',
      unconfirmed.map((c) => `${c.thumbprint} (${c.backupIds.length} backup${c.backupIds.length === 1 ? '' : 's'})`).join(', '),
    );
  }

  const failures = facts.retentionDeleteFailures ?? [];
  if (failures.length > 0) {
    add(
      'retention-delete-failed',
      'warning',
      `Retention could not delete ${failures.length} folder${failures.length === 1 ? '' : 's'} in the backup folder (expired backups, or leftovers of unfinished ones).`,
      'Check that the backup account may delete in the backup folder. After a lost connection the file server may keep a file of an unfinished backup open for up to an hour; the console retries on every pass (backups go on meanwhile). If it stays, close the open file on the server (Shared Folders → Open Files) or run `infra-backup prune`.',
      failures.map((f) => `${f.target}: ${f.message}`).join('; '),
    );
  }

  if (facts.encryptionMode === 'legacy-key') {
    add(
      'legacy-key-deprecated',
      'warning',
      'Backups are encrypted with a legacy symmetric key (backwards-compatibility mode).',
      'Switch to a certificate: generate one under Keys, keep its .pfx safe, and configure the .cer. Existing backups stay readable with the key.',
    );
  }

  const foreign = [...(facts.foreignBackups ?? new Map<string, readonly string[]>())];
  if (foreign.length > 0) {
    add(
      'foreign-backups',
      'warning',
      'Another console writes to this location.',
      "Backups this console did not make are in its backup folder: signed by another station, or unsigned and encrypted to a certificate it does not know. Retention never deletes them, and this console cannot vouch for them. Give each console its own folder on the share (\\\\server\\share\\<console>). If they are this console's own from before a reinstall, delete them on the share once they are not needed.",
      foreign.map(([key, ids]) => `${key}: ${ids.length} backup${ids.length === 1 ? '' : 's'}`).join('; '),
    );
  }

  const unknown = facts.unknownEntries ?? [];
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((name) => JSON.stringify(name));
    add(
      'unknown-share-content',
      'warning',
      `The backup folder holds ${unknown.length} entr${unknown.length === 1 ? 'y' : 'ies'} that ${unknown.length === 1 ? 'is' : 'are'} not a backup.`,
      'They are listed as Unknown with the reason (Available backups, `infra-backup backup list`); retention never deletes them. Find out who put them there, then remove what is not needed with `infra-backup prune --remove-unknown NAME` or on the share.',
      `${shown.join(', ')}${unknown.length > shown.length ? `, and ${unknown.length - shown.length} more` : ''}`,
    );
  }

  if (facts.unreadableLock) {
    const lock = facts.unreadableLock;
    add(
      'unreadable-lock',
      'warning',
      `The share's lock file ${lock.path} cannot be read; no backup can start until ${lock.staleAt}.`,
      `If no console is backing up to this location, delete ${lock.path} on the share. Otherwise it is treated as abandoned at ${lock.staleAt} and the next backup takes it over.`,
      `${lock.path}: ${lock.reason}`,
    );
  }

  if (facts.secretStorageFallback) {
    add(
      'secret-storage-fallback',
      'informational',
      'The share password is not protected by the operating system keychain.',
      facts.secretStorageFallback,
    );
  }

  return out;
}
