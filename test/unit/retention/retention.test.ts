import { describe, expect, it } from 'vitest';
import type { BackupState } from '../../../preload/api';
import { applyRetention } from '../../../main/engine/retention/apply-retention';
import type { RetainedBackup } from '../../../main/engine/retention/retention-policy';
import { expiresAt, newestSuccessful, planRetention, previewRetention, withExpiry } from '../../../main/engine/retention/retention-policy';
import type { NewTimelineEvent } from '../../../main/engine/history/timeline-sink';
import { FakeClock } from '../../support/fake-clock';

const NOW = new Date('2026-03-20T12:00:00.000Z');
const DAY = 86_400_000;
let seq = 0;

function backup(daysAgo: number, state: BackupState = 'Succeeded'): RetainedBackup {
  const completed = new Date(NOW.getTime() - daysAgo * DAY);
  const stamp = completed
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const id = `${stamp}-${(seq++).toString(16).padStart(6, '0')}`;
  const created = new Date(completed.getTime() - 20 * 60_000).toISOString();
  return { backupId: id, createdAt: created, completedAt: state === 'Creating' ? null : completed.toISOString(), state };
}

describe('retention policy', () => {
  it('deletes complete backups older than the period, oldest first, and keeps the rest', () => {
    const old1 = backup(10);
    const old2 = backup(8, 'Failed');
    const recent = backup(2);
    const newest = backup(0.5);
    const plan = planRetention({ backups: [recent, old1, newest, old2], retentionDays: 7, now: NOW });
    expect(plan.toDelete.map((b) => b.backupId)).toEqual([old1.backupId, old2.backupId]);
    expect(plan.keptNewestSuccessful).toBeNull();
  });

  it('a backup exactly at the period boundary is kept', () => {
    const edge = backup(7);
    expect(planRetention({ backups: [edge, backup(1)], retentionDays: 7, now: NOW }).toDelete).toEqual([]);
  });

  it('never deletes the newest successful backup, even when it is older than the period', () => {
    const lastGood = backup(20);
    const olderGood = backup(25);
    const failures = [backup(15, 'Failed'), backup(3, 'Failed'), backup(1, 'Failed')];
    const plan = planRetention({ backups: [olderGood, lastGood, ...failures], retentionDays: 7, now: NOW });
    expect(plan.keptNewestSuccessful).toBe(lastGood.backupId);
    expect(plan.toDelete.map((b) => b.backupId)).toEqual([olderGood.backupId, failures[0]?.backupId]);
  });

  it('PartialSucceeded does not displace a Succeeded backup as the one kept, but is kept when nothing succeeded', () => {
    const good = backup(12);
    const partial = backup(9, 'PartialSucceeded');
    expect(newestSuccessful([good, partial])?.backupId).toBe(good.backupId);
    const plan = planRetention({ backups: [good, partial], retentionDays: 7, now: NOW });
    expect(plan.toDelete.map((b) => b.backupId)).toEqual([partial.backupId]);

    const onlyPartial = backup(30, 'PartialSucceeded');
    expect(planRetention({ backups: [onlyPartial, backup(20, 'Failed')], retentionDays: 7, now: NOW }).keptNewestSuccessful).toBe(
      onlyPartial.backupId,
    );
  });

  it('never judges running backups by age', () => {
    const running = backup(30, 'Creating');
    const queued = { ...backup(30), state: 'Queued' as const };
    expect(planRetention({ backups: [running, queued, backup(1)], retentionDays: 2, now: NOW }).toDelete).toEqual([]);
  });

  it('removes .partial folders with no live lock and keeps the live one', () => {
    const plan = planRetention({
      backups: [],
      partials: [
        { backupId: '20260319T100000Z-aaaaaa', lockLive: false },
        { backupId: '20260320T115900Z-bbbbbb', lockLive: true },
      ],
      retentionDays: 7,
      now: NOW,
    });
    expect(plan.partialsToDelete).toEqual(['20260319T100000Z-aaaaaa']);
  });

  it('preview equals the plan, as the RetentionPreview view', () => {
    const backups = [backup(14), backup(6), backup(4, 'Failed'), backup(1)];
    const preview = previewRetention({ backups, retentionDays: 3, now: NOW });
    const plan = planRetention({ backups, retentionDays: 3, now: NOW });
    expect(preview.toDelete.map((b) => b.backupId)).toEqual(plan.toDelete.map((b) => b.backupId));
    expect(preview.toDelete).toHaveLength(3);
    expect(preview.toDelete[0]).toEqual({ backupId: backups[0]?.backupId, completedAt: backups[0]?.completedAt, state: 'Succeeded' });
  });

  it('expiry dates: completion + period; none for the newest successful or a running backup', () => {
    const a = backup(3);
    const b = backup(1);
    const c = backup(0, 'Creating');
    expect(expiresAt(a, 7, [a, b, c])).toBe(new Date(NOW.getTime() + 4 * DAY).toISOString());
    expect(expiresAt(b, 7, [a, b, c])).toBeNull();
    expect(expiresAt(c, 7, [a, b, c])).toBeNull();
    expect(withExpiry([a, b, c], 7).map((x) => x.expiresAt)).toEqual([new Date(NOW.getTime() + 4 * DAY).toISOString(), null, null]);
  });
});

describe('applyRetention', () => {
  function recorder() {
    const events: NewTimelineEvent[] = [];
    return { events, timeline: { append: (e: NewTimelineEvent) => void events.push(e) } };
  }

  it('deletes exactly the planned folders under the backup root and records each on the timeline', async () => {
    const deleted: string[] = [];
    const backups = [backup(9), backup(8, 'Failed'), backup(1)];
    const plan = planRetention({
      backups,
      partials: [{ backupId: '20260319T100000Z-cccccc', lockLive: false }],
      retentionDays: 7,
      now: NOW,
    });
    const preview = previewRetention({ backups, retentionDays: 7, now: NOW });
    const { events, timeline } = recorder();
    const outcome = await applyRetention({ deleteTree: async (p) => void deleted.push(p) }, plan, { timeline, clock: new FakeClock(NOW) });
    expect(outcome.deleted).toEqual(preview.toDelete.map((b) => b.backupId));
    expect(deleted).toEqual([
      `MASBackup/${backups[0]?.backupId}`,
      `MASBackup/${backups[1]?.backupId}`,
      'MASBackup/20260319T100000Z-cccccc.partial',
    ]);
    expect(events.map((e) => e.kind)).toEqual(['retention-deleted', 'retention-deleted', 'retention-deleted']);
    expect(events[0]?.backupId).toBe(backups[0]?.backupId);
    expect(outcome.failures).toEqual([]);
  });

  it('turns a failed deletion into a failure (not an exception) and goes on with the rest', async () => {
    const backups = [backup(10), backup(9), backup(0)];
    const plan = planRetention({ backups, retentionDays: 7, now: NOW });
    const { events, timeline } = recorder();
    const outcome = await applyRetention(
      {
        deleteTree: async (p) => {
          if (p.endsWith(backups[0]?.backupId ?? '')) throw new Error('NT_STATUS_ACCESS_DENIED password=hunter22');
        },
      },
      plan,
      { timeline, clock: new FakeClock(NOW) },
    );
    expect(outcome.deleted).toEqual([backups[1]?.backupId]);
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.target).toBe(backups[0]?.backupId);
    expect(outcome.failures[0]?.message).not.toContain('hunter22');
    expect(events).toHaveLength(1);
  });

  it('refuses names that are not backup ids of this console', async () => {
    const deleted: string[] = [];
    const plan = {
      retentionDays: 7,
      toDelete: [
        { backupId: '../Operator data', createdAt: NOW.toISOString(), completedAt: NOW.toISOString(), state: 'Succeeded' as const },
      ],
      partialsToDelete: ['x/../../y'],
      keptNewestSuccessful: null,
    };
    const outcome = await applyRetention({ deleteTree: async (p) => void deleted.push(p) }, plan, {
      ...recorder(),
      clock: new FakeClock(NOW),
    });
    expect(deleted).toEqual([]);
    expect(outcome.failures.map((f) => f.target)).toEqual(['../Operator data', 'x/../../y.partial']);
  });
});
