import type { AlertKind } from '../../../preload/api';

/**
 * The stable event id of each alert in the system log (Windows Event Log
 * event id, syslog message id `IBC<id>`), documented in the README so SIEM
 * rules can match on it. An alert raised logs its id; the same alert closed
 * logs id + CLOSED_OFFSET. Ids are never reused or renumbered: a new alert
 * kind gets the next free number here; a kind not yet listed logs the
 * generic id, so it still reaches the log.
 */
// `satisfies` makes a new alert kind without an id here a compile error.
const ALERT_EVENT_IDS: Readonly<Record<string, number>> = {
  capacity: 1001,
  connectivity: 1002,
  path: 1003,
  authentication: 1004,
  general: 1005,
  'automatic-backups-disabled': 1006,
  'no-recent-backup': 1007,
  'capacity-forecast': 1008,
  'unconfirmed-recovery-key': 1009,
  'retention-delete-failed': 1010,
  'legacy-key-deprecated': 1011,
  'secret-storage-fallback': 1012,
  'foreign-backups': 1013,
  'unknown-share-content': 1014,
  'unreadable-lock': 1015,
  'backups-paused': 1016,
  'backup-partially-succeeded': 1017,
  'backup-skipped-conflict': 1018,
  'share-almost-full': 1019,
  'cannot-write': 1020,
  'backup-copy-failed': 1021,
  'backup-not-enabled': 1022,
} satisfies Record<AlertKind, number>;

/** An alert kind without its own id yet. */
export const GENERIC_ALERT_EVENT_ID = 1000;
export const CLOSED_OFFSET = 1000;
/** "Send test" and the daily digest. */
export const TEST_EVENT_ID = 3000;
export const DIGEST_EVENT_ID = 3001;

export function alertEventId(kind: string, transition: 'raised' | 'closed'): number {
  const id = ALERT_EVENT_IDS[kind] ?? GENERIC_ALERT_EVENT_ID;
  return transition === 'raised' ? id : id + CLOSED_OFFSET;
}

export function documentedAlertEventIds(): ReadonlyArray<[string, number]> {
  return Object.entries(ALERT_EVENT_IDS);
}
