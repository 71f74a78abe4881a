import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupSummary, ShareFailureCategory } from '../../../preload/api';
import { AlertCenter, memoryAlertStore } from '../../../main/engine/alerts/alert-center';
import { backupFacts, lastRunFromTimeline } from '../../../main/engine/alerts/alert-facts';
import { HistoryStore, historyFileIn } from '../../../main/engine/history/history-store';
import { runFinishedEvent, runStartedEvent } from '../../../main/engine/history/run-events';
import { RetentionRunner } from '../../../main/engine/retention/retention-runner';
import { withExpiry } from '../../../main/engine/retention/retention-policy';
import { memoryScheduleStore } from '../../../main/engine/schedule/schedule-state';
import { Scheduler } from '../../../main/engine/schedule/scheduler';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

const H = 3_600_000;
let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('ibc-wiring-');
});
afterEach(() => dir.remove());

/**
 * The modules wired the way the engine service is meant to wire them:
 * scheduler → runBackup (records run events) → afterTick = retention + alerts.
 * The "backup" is a record in a fake share list, created under the fake clock.
 */
describe('scheduler + retention + history + alerts', () => {
  it('ten days of 12-hourly backups with 2-day retention; a failure raises an alert the next success closes', async () => {
    const clock = new FakeClock('2026-06-01T00:00:00.000Z');
    const history = new HistoryStore({ file: historyFileIn(dir.path), clock });
    const share = new Map<string, BackupSummary>();
    let failNext: ShareFailureCategory | null = null;
    let seq = 0;
    const notified: string[] = [];
    const alerts = new AlertCenter({ store: memoryAlertStore(), notifier: { notify: (a) => void notified.push(a.kind) } });
    const retention = new RetentionRunner({
      clock,
      timeline: history,
      target: {
        rename: async (from, to) => {
          const moved = share.get(from.replace(/^MASBackup\//, ''));
          share.delete(from.replace(/^MASBackup\//, ''));
          if (moved) share.set(to.replace(/^MASBackup\//, ''), moved);
        },
        deleteTree: async (path) => void share.delete(path.replace(/^MASBackup\//, '')),
      },
      listBackups: async () => [...share.values()],
      listLeftovers: async () => ({ partials: [], deleting: [], unreadableLock: null }),
      retentionDays: () => 2,
      ownKeys: () => ({ thumbprints: new Set(['AB']), legacyKeyIds: new Set() }),
    });
    const scheduler: Scheduler = new Scheduler({
      clock,
      store: memoryScheduleStore(),
      timeline: history,
      isJobRunning: () => false,
      runBackup: async (trigger) => {
        const at = clock.now().toISOString();
        const backupId = `${at.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}-${(seq++).toString(16).padStart(6, '0')}`;
        await history.append(runStartedEvent({ backupId, trigger, at }));
        if (failNext) {
          await history.append(
            runFinishedEvent({
              backupId,
              trigger,
              state: 'Failed',
              at,
              durationSeconds: 3,
              category: failNext,
              message: 'share unreachable',
            }),
          );
          failNext = null;
          return;
        }
        share.set(backupId, {
          backupId,
          createdAt: at,
          completedAt: at,
          state: 'Succeeded',
          trigger,
          sizeBytes: 1000,
          certificateThumbprint: 'AB',
          encryptionMode: 'certificate',
          recoveryReady: true,
          expiresAt: null,
        });
        await history.append(runFinishedEvent({ backupId, trigger, state: 'Succeeded', at, durationSeconds: 60 }));
      },
      afterTick: async () => {
        await retention.run();
        const view = scheduler.view();
        await alerts.update({
          now: clock.now(),
          configured: view.anchor !== null,
          lastRun: lastRunFromTimeline(await history.query({ kinds: ['run-finished'], limit: 1 })),
          ...backupFacts([...share.values()]),
          schedule: view,
          retentionDays: 2,
          capacity: { freeBytes: 1e9 },
          encryptionMode: 'certificate',
          retentionDeleteFailures: retention.lastFailures,
        });
      },
    });

    clock.settle = () => scheduler.whenIdle();
    await scheduler.start();
    await scheduler.configure({ frequencyHours: 12, enabled: true });
    await clock.advance(10 * 24 * H + 2 * 60_000);
    await scheduler.whenIdle();

    // 20 runs; only backups within 2 days (plus none older: each newer one succeeded) remain.
    expect((await history.query({ kinds: ['run-finished'], limit: 100 })).length).toBe(20);
    const remaining = [...share.values()];
    expect(remaining.length).toBe(4);
    expect(remaining.every((b) => clock.now().getTime() - Date.parse(b.completedAt ?? '') <= 2 * 24 * H)).toBe(true);
    expect((await history.query({ kinds: ['retention-deleted'], limit: 100 })).length).toBe(16);
    const expiries = withExpiry(remaining, 2, { thumbprints: new Set(['AB']), legacyKeyIds: new Set() }).map((b) => b.expiresAt);
    expect(expiries.filter((e) => e === null)).toHaveLength(1);

    failNext = 'connectivity';
    await clock.advance(12 * H);
    await scheduler.whenIdle();
    expect((await alerts.list()).map((a) => a.kind)).toEqual(['connectivity']);
    await clock.advance(12 * H);
    await scheduler.whenIdle();
    expect(await alerts.list()).toEqual([]);
    expect(notified).toEqual(['connectivity']);
  });
});
