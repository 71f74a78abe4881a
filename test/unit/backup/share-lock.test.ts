import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalShare } from '../../../main/engine/share/local-share';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireShareLock, isLockLive, LOCK_FILE, sweepLockLitter } from '../../../main/engine/backup/share-lock';
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

  describe('an empty or unparsable MASBackup\\.lock', () => {
    const at = Date.parse('2026-11-24T10:00:00Z');
    it.each([
      ['empty', '', 'it is empty'],
      ['not JSON', '{"lockId": "half', 'it is not JSON'],
      ['not a lock record', '{"hello":"world"}', 'it is not a lock record'],
      ['larger than any lock', 'x'.repeat(20_000), 'it is larger than 16384 bytes'],
    ])('(%s) blocks, naming the file, until it is stale by its server time; then it is taken over', async (_what, content, reason) => {
      const lockPath = join(temp.path, 'MASBackup', LOCK_FILE);
      await writeFile(lockPath, content);
      await utimes(lockPath, new Date(at), new Date(at));
      const clock = new SteppedClock(at + 9 * 60_000);
      // Before: every attempt fails (the old code failed forever), saying which file, why and until when.
      await expect(acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: 'j', backupId: 'B' })).rejects.toMatchObject({
        code: 'backup-running',
        message: expect.stringMatching(new RegExp(`MASBackup\\\\\\.lock cannot be read \\(${reason}\\).*from 2026-11-24T10:10:00.000Z`)),
      });
      const live = await isLockLive(share, 'MASBackup', clock.ms);
      expect(live).toMatchObject({ live: true, record: null, unreadable: { reason } });
      // After the window (10 minutes after the server last changed it): taken over.
      clock.ms = at + 10 * 60_000 + 1;
      const held = await acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: 'j', backupId: 'B' });
      expect((await isLockLive(share, 'MASBackup', clock.ms)).record?.lockId).toBe(held.record.lockId);
      await held.release();
      expect(await share.list('MASBackup', NO_CANCEL)).toEqual([]);
    });
  });

  it('lock litter (locks moved aside, dead heartbeats, unfinished lock writes) is swept by the next holder; its own files and foreign files stay', async () => {
    const clock = new SteppedClock(Date.parse('2026-11-24T10:00:00Z'));
    const litter = [
      '.lock.stale.3f2a',
      '.lock.hb.deadbeef.00000007',
      '..lock.9c1d.partial-write',
      '..lock.hb.deadbeef.00000008.77aa.partial-write',
    ];
    for (const name of litter) await writeFile(join(temp.path, 'MASBackup', name), '');
    await writeFile(join(temp.path, 'MASBackup', 'notes.txt'), "the operator's");
    const held = await acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: 'a', backupId: 'A' });
    clock.ms += 30_000;
    await clock.fireTimers(); // a heartbeat of its own
    const removed = await sweepLockLitter(share, held.record, await share.list('MASBackup', NO_CANCEL), NO_CANCEL);
    expect(removed.sort()).toEqual([...litter].sort());
    const left = (await share.list('MASBackup', NO_CANCEL)).map((e) => e.name).sort();
    expect(left).toEqual(['.lock', `.lock.hb.${held.record.lockId}.00000001`, 'notes.txt']);
    await held.release();
  });
});
