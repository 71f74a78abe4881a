import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalShare } from '../../../main/engine/share/local-share';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { acquireShareLock, isLockLive, LOCK_FILE } from '../../../main/engine/backup/share-lock';
import type { Clock } from '../../../main/engine/backup/job-clock';
import { makeTempDir } from '../../support/temp-dir';

/** Time moves only when the test says; a beat is fired by the test and awaited, never waited for. */
class SteppedClock implements Clock {
  constructor(public ms: number) {}
  timers: Array<() => unknown> = [];
  now(): Date {
    return new Date(this.ms);
  }
  setInterval(fn: () => unknown): { cancel(): void } {
    this.timers.push(fn);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== fn)) };
  }
  /** Fires every repeating timer once and resolves when the work each one started is done. */
  async fireTimers(): Promise<void> {
    await Promise.all(this.timers.map((timer) => timer()));
  }
}

describe('share lock (on a real folder)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let share: LocalShare;
  beforeEach(async () => {
    temp = await makeTempDir();
    share = new LocalShare(temp.path);
    await share.mkdirp('MASBackup', NO_CANCEL);
  });
  afterEach(async () => temp.remove());

  it('lets exactly one of two concurrent consoles take the lock', async () => {
    const clock = new SteppedClock(Date.parse('2026-11-24T10:00:00Z'));
    const results = await Promise.allSettled([
      acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: 'a', backupId: 'A' }),
      acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: 'b', backupId: 'B' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'backup-running' });
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireShareLock>>>).value.release();
    expect(await share.stat(`MASBackup/${LOCK_FILE}`, NO_CANCEL)).toBeNull();
    expect(await share.list('MASBackup', NO_CANCEL)).toEqual([]);
  });

  it('refuses a live lock and takes over a stale one (dead job, no heartbeat)', async () => {
    const clock = new SteppedClock(Date.parse('2026-11-24T10:00:00Z'));
    const dead = await acquireShareLock(share, { dir: 'MASBackup', clock, staleAfterMs: 60_000 }, { jobId: 'dead', backupId: 'D' });
    // a minute minus a second later: still live
    clock.ms += 59_000;
    await expect(
      acquireShareLock(share, { dir: 'MASBackup', clock, staleAfterMs: 60_000 }, { jobId: 'x', backupId: 'X' }),
    ).rejects.toMatchObject({ code: 'backup-running' });
    // a heartbeat keeps it live past the timeout
    await clock.fireTimers();
    clock.ms += 30_000;
    expect((await isLockLive(share, 'MASBackup', clock.ms, 60_000)).live).toBe(true);
    // the job dies (no more heartbeats): after the timeout its lock is taken over
    clock.timers = [];
    clock.ms += 61_000;
    const taker = await acquireShareLock(share, { dir: 'MASBackup', clock, staleAfterMs: 60_000 }, { jobId: 'new', backupId: 'N' });
    expect(taker.record.jobId).toBe('new');
    const names = (await share.list('MASBackup', NO_CANCEL)).map((e) => e.name);
    expect(names.filter((n) => n.includes(dead.record.lockId))).toEqual([]);
    await taker.release();
  });

  it('keeps only the newest heartbeat, and release leaves nothing behind', async () => {
    const clock = new SteppedClock(Date.parse('2026-11-24T10:00:00Z'));
    const held = await acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: 'a', backupId: 'A' });
    for (let beat = 0; beat < 3; beat++) {
      clock.ms += 30_000;
      await clock.fireTimers();
    }
    const beats = (await share.list('MASBackup', NO_CANCEL)).map((e) => e.name).filter((n) => n.startsWith('.lock.hb.'));
    expect(beats).toEqual([`.lock.hb.${held.record.lockId}.00000003`]);
    await held.release();
    expect(await share.list('MASBackup', NO_CANCEL)).toEqual([]);
  });
});
