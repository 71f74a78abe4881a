import { describe, expect, it } from 'vitest';
import type { Alert, ShareFailureCategory } from '../../../preload/api';
import { AlertCenter, lineNotifier, memoryAlertStore } from '../../../main/engine/alerts/alert-center';
import { SHARE_FAILURE_TEXTS } from '../../../main/engine/share/share-failure-texts';
import { shareError } from '../../../main/engine/share/share-errors';
import type { AlertFacts } from '../../../main/engine/alerts/evaluate-alerts';
import { backupsKeptWithinRetention, evaluateAlerts } from '../../../main/engine/alerts/evaluate-alerts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const hoursAgo = (h: number): string => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const GB = 1024 ** 3;

function facts(overrides: Partial<AlertFacts> = {}): AlertFacts {
  return {
    now: NOW,
    configured: true,
    lastRun: { state: 'Succeeded', finishedAt: hoursAgo(1) },
    lastSuccessAt: hoursAgo(1),
    schedule: { enabled: true, disabledSince: null, frequencyHours: 12, anchor: hoursAgo(100) },
    retentionDays: 7,
    capacity: { freeBytes: 1000 * GB },
    lastBackupSizeBytes: 2 * GB,
    certificateHistory: [{ thumbprint: 'AA', backupIds: ['b1'], pfxConfirmed: true }],
    retentionDeleteFailures: [],
    encryptionMode: 'certificate',
    ...overrides,
  };
}

const kindsOf = (alerts: ReadonlyArray<{ kind: string }>): string[] => alerts.map((a) => a.kind);

describe('evaluateAlerts', () => {
  it('a healthy console has no alerts', () => {
    expect(evaluateAlerts(facts())).toEqual([]);
  });

  it.each(['capacity', 'connectivity', 'path', 'authentication', 'cannot-write', 'general'] as ShareFailureCategory[])(
    'a failed run raises the %s alert with the Azure Stack text and remediation',
    (category) => {
      const [alert] = evaluateAlerts(facts({ lastRun: { state: 'Failed', finishedAt: hoursAgo(1), category, message: 'boom' } }));
      expect(alert).toMatchObject({
        kind: category,
        severity: 'critical',
        title: SHARE_FAILURE_TEXTS[category].alertTitle,
        remediation: SHARE_FAILURE_TEXTS[category].remediation,
      });
      expect(alert?.detail).toContain('boom');
    },
  );

  it.each(['capacity', 'connectivity', 'path', 'authentication', 'cannot-write', 'general'] as ShareFailureCategory[])(
    'the %s alert tells the operator what the share error told them',
    (category) => {
      const [alert] = evaluateAlerts(facts({ lastRun: { state: 'Failed', finishedAt: hoursAgo(1), category } }));
      expect(alert?.remediation).toBe(shareError(category).remediation);
    },
  );

  it('a connection lost (or a general fault) while data was being copied is "failed during file copy", in place of the category alert', () => {
    for (const category of ['connectivity', 'general'] as const) {
      const alerts = evaluateAlerts(
        facts({ lastRun: { state: 'Failed', finishedAt: hoursAgo(1), category, message: 'lost', failedDuringCopy: true } }),
      );
      expect(kindsOf(alerts)).toEqual(['backup-copy-failed']);
      expect(alerts[0]).toMatchObject({ severity: 'critical', title: 'Backup failed during file copy to the external share.' });
      expect(alerts[0]?.detail).toContain('lost');
    }
    // Before the first byte it is the category's alert; a full share or a refused write mid-copy keeps its own.
    expect(kindsOf(evaluateAlerts(facts({ lastRun: { state: 'Failed', finishedAt: hoursAgo(1), category: 'connectivity' } })))).toEqual([
      'connectivity',
    ]);
    for (const category of ['capacity', 'cannot-write'] as const)
      expect(
        kindsOf(evaluateAlerts(facts({ lastRun: { state: 'Failed', finishedAt: hoursAgo(1), category, failedDuringCopy: true } }))),
      ).toEqual([category]);
    // A success closes it.
    expect(kindsOf(evaluateAlerts(facts({ lastRun: { state: 'Succeeded', finishedAt: hoursAgo(0) } })))).toEqual([]);
  });

  it('almost full is raised at the configured threshold, which the texts name', () => {
    const capacity = { freeBytes: 15 * GB, totalBytes: 100 * GB };
    const lastBackupSizeBytes = null;
    expect(kindsOf(evaluateAlerts(facts({ capacity, lastBackupSizeBytes })))).toEqual(['share-almost-full']);
    expect(kindsOf(evaluateAlerts(facts({ capacity, lastBackupSizeBytes, almostFullPercent: 90 })))).toEqual([]);
    const [alert] = evaluateAlerts(facts({ capacity, lastBackupSizeBytes, almostFullPercent: 85 }));
    expect(alert).toMatchObject({ kind: 'share-almost-full' });
    expect(alert?.detail).toContain('raised at 85 %');
    expect(alert?.remediation).toContain('85 %');
  });

  it('a failure without a category is a general fault', () => {
    expect(kindsOf(evaluateAlerts(facts({ lastRun: { state: 'Failed', finishedAt: hoursAgo(1) } })))).toEqual(['general']);
  });

  it('automatic backups disabled: informational, with since when', () => {
    const [alert] = evaluateAlerts(
      facts({ schedule: { enabled: false, disabledSince: hoursAgo(5), frequencyHours: 12, anchor: hoursAgo(100) } }),
    );
    expect(alert).toMatchObject({ kind: 'automatic-backups-disabled', severity: 'informational' });
    expect(alert?.title).toContain(hoursAgo(5));
  });

  it('no successful backup within 2 × frequency', () => {
    expect(kindsOf(evaluateAlerts(facts({ lastSuccessAt: hoursAgo(23) })))).toEqual([]);
    expect(kindsOf(evaluateAlerts(facts({ lastSuccessAt: hoursAgo(25) })))).toEqual(['no-recent-backup']);
    // Never succeeded: measured from when backup was configured (the anchor).
    expect(
      kindsOf(
        evaluateAlerts(
          facts({ lastSuccessAt: null, schedule: { enabled: true, disabledSince: null, frequencyHours: 4, anchor: hoursAgo(9) } }),
        ),
      ),
    ).toEqual(['no-recent-backup']);
    expect(
      kindsOf(
        evaluateAlerts(
          facts({ lastSuccessAt: null, schedule: { enabled: true, disabledSince: null, frequencyHours: 4, anchor: hoursAgo(7) } }),
        ),
      ),
    ).toEqual([]);
  });

  it('capacity forecast: last size × backups kept within retention vs free capacity', () => {
    expect(backupsKeptWithinRetention(7, 12)).toBe(15);
    // 15 × 2 GB = 30 GB needed.
    expect(kindsOf(evaluateAlerts(facts({ capacity: { freeBytes: 31 * GB } })))).toEqual([]);
    const [alert] = evaluateAlerts(facts({ capacity: { freeBytes: 29 * GB } }));
    expect(alert?.kind).toBe('capacity-forecast');
    expect(alert?.detail).toContain('30 GB');
    // Space our existing backups use will be freed by retention: it counts as available.
    expect(kindsOf(evaluateAlerts(facts({ capacity: { freeBytes: 20 * GB, storedBackupBytes: 12 * GB } })))).toEqual([]);
    expect(kindsOf(evaluateAlerts(facts({ capacity: { freeBytes: null } })))).toEqual([]);
  });

  it('unconfirmed recovery key: only certificates that still protect backups', () => {
    const history = [
      { thumbprint: 'OLD', backupIds: ['b1', 'b2'], pfxConfirmed: false },
      { thumbprint: 'GONE', backupIds: [], pfxConfirmed: false },
      { thumbprint: 'NEW', backupIds: ['b3'], pfxConfirmed: true },
    ];
    const [alert] = evaluateAlerts(facts({ certificateHistory: history }));
    expect(alert?.kind).toBe('unconfirmed-recovery-key');
    expect(alert?.detail).toBe('OLD (2 backups)');
  });

  it('retention delete failures, legacy key and secret storage fallback', () => {
    expect(
      kindsOf(evaluateAlerts(facts({ retentionDeleteFailures: [{ target: '20260301T000000Z-aaaaaa', message: 'access denied' }] }))),
    ).toEqual(['retention-delete-failed']);
    expect(kindsOf(evaluateAlerts(facts({ encryptionMode: 'legacy-key' })))).toEqual(['legacy-key-deprecated']);
    expect(kindsOf(evaluateAlerts(facts({ secretStorageFallback: 'Stored in an AES key file (0600).' })))).toEqual([
      'secret-storage-fallback',
    ]);
  });

  it('an unconfigured console raises "backup is not enabled for the location" and no schedule alert (not "disabled" as well)', () => {
    const alerts = evaluateAlerts(
      facts({
        configured: false,
        lastSuccessAt: null,
        schedule: { enabled: false, disabledSince: null, frequencyHours: 12, anchor: null },
      }),
    );
    expect(kindsOf(alerts)).toEqual(['backup-not-enabled']);
    expect(alerts[0]).toMatchObject({ severity: 'warning', title: 'Backup is not enabled for the location.' });
    // Configured, it is gone; with automatic backups off, only "disabled" is said.
    expect(kindsOf(evaluateAlerts(facts({ schedule: { enabled: false, disabledSince: null, frequencyHours: 12, anchor: null } })))).toEqual(
      ['automatic-backups-disabled'],
    );
  });
});

describe('AlertCenter', () => {
  function center() {
    const notified: Alert[] = [];
    const store = memoryAlertStore();
    const c = new AlertCenter({ store, notifier: { notify: (a) => void notified.push(a) } });
    return { c, notified, store };
  }
  const failed = (category: ShareFailureCategory, at = hoursAgo(1)): Partial<AlertFacts> => ({
    lastRun: { state: 'Failed', finishedAt: at, category },
  });

  it('raises on a failed run, does not notify again on every tick, closes on the next success', async () => {
    const { c, notified, store } = center();
    const first = await c.update(facts(failed('connectivity')));
    expect(kindsOf(first.raised)).toEqual(['connectivity']);
    const id = first.active[0]?.id;

    for (let i = 0; i < 5; i++) {
      const again = await c.update({ ...facts(failed('connectivity')), now: new Date(NOW.getTime() + i * 60_000) });
      expect(again.raised).toEqual([]);
      expect(again.active[0]?.id).toBe(id);
      expect(again.active[0]?.raisedAt).toBe(NOW.toISOString());
    }
    expect(notified).toHaveLength(1);
    expect(store.current?.active.map((a) => a.kind)).toEqual(['connectivity']);

    const ok = await c.update(facts());
    expect(kindsOf(ok.closed)).toEqual(['connectivity']);
    expect(ok.active).toEqual([]);
    expect(await c.list()).toEqual([]);
  });

  it('a different failure category replaces the previous one', async () => {
    const { c, notified } = center();
    await c.update(facts(failed('connectivity')));
    const next = await c.update(facts(failed('authentication')));
    expect(kindsOf(next.closed)).toEqual(['connectivity']);
    expect(kindsOf(next.raised)).toEqual(['authentication']);
    expect(kindsOf(notified)).toEqual(['connectivity', 'authentication']);
  });

  it('a PartialSucceeded run also closes the share failure alert', async () => {
    const { c } = center();
    await c.update(facts(failed('path')));
    const next = await c.update(facts({ lastRun: { state: 'PartialSucceeded', finishedAt: hoursAgo(0) } }));
    expect(kindsOf(next.closed)).toEqual(['path']);
  });

  it('persists: a restarted console neither forgets nor re-notifies an active alert', async () => {
    const { c, store } = center();
    await c.update(facts({ encryptionMode: 'legacy-key' }));
    const notified: Alert[] = [];
    const restarted = new AlertCenter({ store, notifier: { notify: (a) => void notified.push(a) } });
    expect(kindsOf(await restarted.list())).toEqual(['legacy-key-deprecated']);
    const update = await restarted.update(facts({ encryptionMode: 'legacy-key' }));
    expect(update.raised).toEqual([]);
    expect(notified).toEqual([]);
  });

  it('the headless notifier writes one line with the remediation', async () => {
    const lines: string[] = [];
    const c = new AlertCenter({ store: memoryAlertStore(), notifier: lineNotifier((l) => lines.push(l)) });
    await c.update(facts(failed('capacity')));
    await c.update(facts(failed('capacity')));
    expect(lines).toEqual([
      `ALERT [critical] ${SHARE_FAILURE_TEXTS.capacity.alertTitle} Remediation: ${SHARE_FAILURE_TEXTS.capacity.remediation}`,
    ]);
  });
});
