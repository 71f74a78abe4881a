import type { Alert, AlertKind, BackupState, ShareFailureCategory } from '../../../preload/api';
import { HOUR_MS } from '../clock';
import { SHARE_FAILURE_TEXTS } from '../share/share-failure-texts';
import { formatBytes } from '../../../common/format-bytes';

/** Everything the alert rules look at; the service gathers it (share listing, settings, schedule). */
export interface AlertFacts {
  now: Date;
  /** Backup has been configured (location, credentials, encryption). */
  configured: boolean;
  /** The most recent finished run, whatever its trigger: drives the five failure alerts. */
  lastRun: { state: BackupState; finishedAt: string; category?: ShareFailureCategory | null; message?: string | null } | null;
  /** When the newest Succeeded backup completed (PartialSucceeded does not count). */
  lastSuccessAt: string | null;
  /**
   * How long ago that was in real time (elapsed clock), when known: the
   * no-recent-backup rule uses it rather than wall time, so a clock step
   * cannot keep the alert from firing.
   */
  msSinceLastSuccess?: number | null;
  schedule: { enabled: boolean; disabledSince: string | null; frequencyHours: number; anchor: string | null };
  retentionDays: number;
  /** Free space on the share (null: unknown), and bytes our retained backups already use there. */
  capacity?: { freeBytes: number | null; storedBackupBytes?: number };
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
  const add = (kind: AlertKind, severity: Alert['severity'], title: string, remediation: string, detail?: string): void => {
    const alert: EvaluatedAlert = { kind, severity, title, remediation, raisedAt };
    if (detail !== undefined) alert.detail = detail;
    out.push(alert);
  };

  if (facts.lastRun?.state === 'Failed') {
    const category = facts.lastRun.category ?? 'general';
    const text = SHARE_FAILURE_TEXTS[category];
    add(
      category,
      'critical',
      text.alertTitle,
      text.remediation,
      `Last run failed at ${facts.lastRun.finishedAt}${facts.lastRun.message ? `: ${facts.lastRun.message}` : ''}`,
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
  const free = facts.capacity?.freeBytes ?? null;
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
      'Find the .pfx of each listed certificate and run Check my recovery key; without it those backups cannot be restored.',
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
