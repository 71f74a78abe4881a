import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent, BackupSummary } from '../../../preload/api';
import type { FileShare } from '../../../main/engine/share/file-share';
import { openFileShare } from '../../../main/engine/share/open-share';
import { ShareWrapper, type ShareCall } from '../../../main/engine/share/wrappers/share-wrapper';
import { configuredEngine, type EngineHarness } from './engine-harness';

const H = 3_600_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

/** Deletions wait for `gate` — at their first step, unpublishing the backup by a rename — so a test can look at the console while retention runs. */
class HeldDeletes extends ShareWrapper {
  constructor(
    inner: FileShare,
    private readonly gate: { open: Promise<void>; reached: () => void },
  ) {
    super(inner);
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (call.method === 'rename' && /^MASBackup\/\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(call.path ?? '')) {
      this.gate.reached();
      await this.gate.open;
    }
    return proceed();
  }
}

const ids = (backups: readonly BackupSummary[]): string[] => backups.map((b) => b.backupId).sort();

describe('backups the operator agreed to delete go at once, and say so meanwhile', () => {
  it('lowering retention (confirmed) deletes now: backups-deleting, the list shows them as deleting, then backups-deleted and they are gone', async () => {
    let open = (): void => undefined;
    let reached = (): void => undefined;
    const gate = { open: new Promise<void>((resolve) => (open = resolve)), reached: () => reached() };
    const deleting = new Promise<void>((resolve) => (reached = resolve));
    h = await configuredEngine({ extra: { openShare: (input) => new HeldDeletes(openFileShare(input), gate) } });
    // Three backups a day apart; with 7 days' retention all are kept.
    for (let day = 0; day < 3; day++) {
      await h.engine.startBackup();
      await h.engine.whenIdle();
      await h.clock.advance(24 * H);
    }
    const all = await h.engine.listBackups();
    expect(all).toHaveLength(3);
    const preview = await h.engine.previewRetention({ retentionDays: 2 });
    expect(preview.toDelete).toHaveLength(1);
    const doomed = preview.toDelete.map((b) => b.backupId);

    const before = h.events.length;
    await h.engine.saveSettings({ retentionDays: 2, confirmRetentionDeletion: true });
    await deleting;
    // While it runs: announced, and listed as deleting.
    const announced = h.events.slice(before).find((e) => e.type === 'backups-deleting');
    expect(announced).toEqual({ type: 'backups-deleting', backupIds: doomed });
    const during = await h.engine.listBackups();
    expect(during.filter((b) => b.deleting).map((b) => b.backupId)).toEqual(doomed);

    open();
    await h.engine.whenIdle();
    const done = h.events.slice(before).filter((e): e is Extract<ApiEvent, { type: 'backups-deleted' }> => e.type === 'backups-deleted');
    expect(done).toEqual([{ type: 'backups-deleted', backupIds: doomed, failed: [] }]);
    const after = await h.engine.listBackups();
    expect(ids(after)).toEqual(ids(all.filter((b) => !doomed.includes(b.backupId))));
    expect(after.some((b) => b.deleting)).toBe(false);
  });
});
