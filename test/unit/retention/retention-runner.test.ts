import { describe, expect, it } from 'vitest';
import type { PartialFolder, RetainedBackup } from '../../../main/engine/retention/retention-policy';
import { RetentionRunner } from '../../../main/engine/retention/retention-runner';
import { FakeClock } from '../../support/fake-clock';

const DAY = 86_400_000;

/** A share in memory: folders by backup id; deletion can be made to fail. */
function fakeShare(clock: FakeClock) {
  const backups = new Map<string, RetainedBackup>();
  const partials = new Map<string, PartialFolder>();
  const failing = new Set<string>();
  const deleting = new Map<string, RetainedBackup>();
  const deletedPaths: string[] = [];
  let n = 0;
  const add = (daysAgo: number, state: RetainedBackup['state'] = 'Succeeded'): string => {
    const at = new Date(clock.now().getTime() - daysAgo * DAY);
    const id = `${at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z')}-${(n++).toString(16).padStart(6, '0')}`;
    backups.set(id, { backupId: id, createdAt: at.toISOString(), completedAt: at.toISOString(), state, certificateThumbprint: 'AB' });
    return id;
  };
  return {
    backups,
    partials,
    failing,
    deletedPaths,
    add,
    target: {
      rename: async (from: string, to: string) => {
        const name = from.split('/').pop() ?? '';
        if (failing.has(name)) throw new Error('NT_STATUS_SHARING_VIOLATION');
        const moved = backups.get(name);
        backups.delete(name);
        if (moved) deleting.set(to.split('/').pop() ?? '', moved);
      },
      deleteTree: async (path: string) => {
        const name = path.split('/').pop() ?? '';
        if (failing.has(name)) throw new Error('NT_STATUS_SHARING_VIOLATION');
        deletedPaths.push(path);
        deleting.delete(name);
        partials.delete(name.replace(/\.partial$/, ''));
      },
    },
  };
}

describe('RetentionRunner', () => {
  it('preview equals what the run then deletes; the newest successful survives; failures retried next pass', async () => {
    const clock = new FakeClock('2026-04-01T00:00:00.000Z');
    const share = fakeShare(clock);
    const lastGood = share.add(9);
    const expired = [share.add(12), share.add(11, 'Failed')];
    const failedRecent = share.add(1, 'Failed');
    share.partials.set('20260331T230000Z-dead00', { backupId: '20260331T230000Z-dead00', lockLive: false });
    share.partials.set('20260331T235900Z-a11ve0', { backupId: '20260331T235900Z-a11ve0', lockLive: true });
    let days = 7;
    const events: string[] = [];
    const runner = new RetentionRunner({
      clock,
      timeline: { append: (e) => void events.push(`${e.kind}:${e.backupId}`) },
      target: share.target,
      listBackups: async () => [...share.backups.values()],
      listLeftovers: async () => ({ partials: [...share.partials.values()], deleting: [], unreadableLock: null }),
      retentionDays: () => days,
      ownKeys: () => ({ thumbprints: new Set(['AB']), legacyKeyIds: new Set() }),
    });

    const preview = await runner.preview(7);
    expect(preview.keptNewestSuccessful).toBe(lastGood);
    share.failing.add(expired[0] ?? '');
    const first = await runner.run();
    expect(first.deleted).toEqual([expired[1]]);
    expect(runner.lastFailures.map((f) => f.target)).toEqual([expired[0]]);
    expect(first.partialsDeleted).toEqual(['20260331T230000Z-dead00']);
    expect([...share.partials.keys()]).toEqual(['20260331T235900Z-a11ve0']);

    share.failing.clear();
    const second = await runner.run();
    expect(second.deleted).toEqual([expired[0]]);
    expect(runner.lastFailures).toEqual([]);
    expect([...first.deleted, ...second.deleted].sort()).toEqual(preview.toDelete.map((b) => b.backupId).sort());
    expect([...share.backups.keys()].sort()).toEqual([lastGood, failedRecent].sort());
    expect(share.deletedPaths.every((p) => p.startsWith('MASBackup/'))).toBe(true);

    // Lowering retention: the preview for 2 days names exactly what a run with 2 days deletes.
    const threeDays = share.add(3);
    const newest = share.add(0.5);
    const lower = await runner.preview(2);
    expect(lower.toDelete.map((b) => b.backupId)).toEqual([lastGood, threeDays]);
    days = 2;
    const third = await runner.run();
    expect(third.deleted).toEqual(lower.toDelete.map((b) => b.backupId));
    expect([...share.backups.keys()].sort()).toEqual([failedRecent, newest].sort());
    expect(events.filter((e) => e.startsWith('retention-deleted'))).toHaveLength(5);
  });
});
