import { describe, expect, it } from 'vitest';
import { SKIP_REASON_DISABLED, SKIP_REASON_RUNNING } from '../../../main/engine/schedule/scheduler';
import { H, kinds, makeHarness } from './harness';

const T0 = '2026-03-01T08:00:00.000Z';

async function configured(frequencyHours = 12, enabled = true) {
  const h = makeHarness(T0);
  await h.scheduler.start();
  await h.scheduler.configure({ frequencyHours, enabled });
  return h;
}

describe('Scheduler', () => {
  it('does nothing until backup is configured, then the first configuration starts the schedule at now + f', async () => {
    const h = makeHarness(T0);
    await h.scheduler.start();
    await h.clock.advance(48 * H);
    expect(h.runs).toEqual([]);
    expect(h.scheduler.view().nextBackupTime).toBeNull();

    await h.scheduler.configure({ frequencyHours: 12, enabled: true });
    const anchor = h.clock.now().toISOString();
    const view = h.scheduler.view();
    expect(view.anchor).toBe(anchor);
    expect(view.nextBackupTime).toBe(new Date(h.clock.now().getTime() + 12 * H).toISOString());
    expect(h.store.current?.anchor).toBe(anchor);
    expect(kinds(h, 'schedule-changed')).toHaveLength(1);
  });

  it('runs at anchor + k×f, once per slot, with trigger scheduled', async () => {
    const h = await configured(6);
    await h.clock.advance(24 * H + 30_000);
    expect(h.runs.map((r) => r.trigger)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    // Each run starts within one tick of its slot.
    const slots = [6, 12, 18, 24].map((k) => new Date(Date.parse(T0) + k * H).getTime());
    h.runs.forEach((run, i) => {
      const late = Date.parse(run.at) - (slots[i] ?? 0);
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThanOrEqual(60_000);
    });
    expect(kinds(h, 'catch-up')).toEqual([]);
  });

  it('a slot runs at its time, not at the next 60 s tick after it', async () => {
    const h = makeHarness(T0);
    await h.scheduler.start();
    // Configured 25 s after the scheduler started: its slots fall between two ticks.
    await h.clock.advance(25_000);
    await h.scheduler.configure({ frequencyHours: 4, enabled: true });
    await h.clock.advance(8 * H);
    const slot = (k: number) => new Date(Date.parse(T0) + 25_000 + k * 4 * H).toISOString();
    expect(h.runs).toEqual([
      { trigger: 'scheduled', at: slot(1) },
      { trigger: 'scheduled', at: slot(2) },
    ]);
  });

  it('upcoming lists the next slots of the schedule', async () => {
    const h = await configured(8);
    await h.clock.advance(H);
    const t = (k: number) => new Date(Date.parse(T0) + k * 8 * H).toISOString();
    expect(h.scheduler.view().upcoming).toEqual([t(1), t(2), t(3), t(4), t(5)]);
  });

  it('on-demand backups never move the schedule', async () => {
    const h = await configured(12);
    const before = h.scheduler.view().nextBackupTime;
    // An on-demand job runs for an hour between slots: the scheduler only sees "a job is running".
    await h.clock.advance(3 * H);
    h.externalJobRunning = true;
    await h.clock.advance(H);
    h.externalJobRunning = false;
    expect(h.scheduler.view().nextBackupTime).toBe(before);
    await h.clock.advance(8 * H + 60_000);
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]?.trigger).toBe('scheduled');
  });

  it('disabled: slots pass, are recorded as skipped, and none runs; enable resumes at the next slot of the same schedule', async () => {
    const h = await configured(6);
    const disabled = await h.scheduler.setEnabled(false);
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledSince).toBe(T0);
    expect(disabled.nextBackupTime).toBeNull();

    await h.clock.advance(20 * H);
    expect(h.runs).toEqual([]);
    const skipped = kinds(h, 'slot-skipped');
    expect(skipped.map((e) => e.at)).toEqual([6, 12, 18].map((k) => new Date(Date.parse(T0) + k * H).toISOString()));
    expect(skipped.every((e) => e.reason === SKIP_REASON_DISABLED)).toBe(true);
    expect(h.store.current?.enabled).toBe(false);
    expect(h.store.current?.anchor).toBe(T0);

    const enabled = await h.scheduler.setEnabled(true);
    expect(enabled.nextBackupTime).toBe(new Date(Date.parse(T0) + 24 * H).toISOString());
    expect(enabled.disabledSince).toBeNull();
    await h.clock.advance(4 * H + 60_000);
    expect(h.runs.map((r) => r.trigger)).toEqual(['scheduled']);
    expect(kinds(h, 'catch-up')).toEqual([]);
  });

  it('enabling records slots that passed since the last tick as skipped, not as a catch-up', async () => {
    const h = await configured(6);
    await h.scheduler.setEnabled(false);
    h.scheduler.stop();
    h.clock.setWallTime(new Date(Date.parse(T0) + 13 * H));
    await h.scheduler.setEnabled(true);
    expect(kinds(h, 'slot-skipped')).toHaveLength(2);
    expect(h.runs).toEqual([]);
  });

  it('the schedule survives a restart', async () => {
    const h = await configured(12);
    await h.clock.advance(13 * H);
    expect(h.runs).toHaveLength(1);
    const next = h.scheduler.view().nextBackupTime;

    const h2 = h.restart();
    await h2.scheduler.start();
    expect(h2.scheduler.view().nextBackupTime).toBe(next);
    expect(h2.scheduler.view().anchor).toBe(T0);
    expect(h2.runs).toEqual([]);
    await h2.clock.advance(11 * H + 60_000);
    expect(h2.runs.map((r) => r.trigger)).toEqual(['scheduled']);
  });

  it('closed for 3 days: exactly one catch-up on start, and the timeline says so', async () => {
    const h = await configured(4);
    h.scheduler.stop();
    h.clock.setWallTime(new Date(Date.parse(T0) + 72 * H + 30 * 60_000));

    const h2 = h.restart();
    await h2.scheduler.start();
    await h2.scheduler.whenIdle();
    expect(h2.runs.map((r) => r.trigger)).toEqual(['catch-up']);
    const catchUps = kinds(h2, 'catch-up');
    expect(catchUps).toHaveLength(1);
    expect(catchUps[0]?.summary).toMatch(/18 scheduled slots were missed while the console was closed/);
    // Then the normal schedule goes on.
    await h2.clock.advance(4 * H);
    expect(h2.runs.map((r) => r.trigger)).toEqual(['catch-up', 'scheduled']);
  });

  it('sleep detected by timer drift (headless): one catch-up, not one per missed slot', async () => {
    const h = await configured(4);
    await h.clock.advance(H);
    h.clock.sleep(30 * H);
    // The tick timer fires late (monotonic time): its wall gap reveals the sleep.
    await h.clock.advance(60_000);
    await h.scheduler.whenIdle();
    expect(h.runs.map((r) => r.trigger)).toEqual(['catch-up']);
    expect(kinds(h, 'catch-up')[0]?.reason).toBe('the machine was asleep');
    await h.clock.advance(10 * 60_000);
    expect(h.runs).toHaveLength(1);
  });

  it('sleep with an explicit resume (powerMonitor): one catch-up', async () => {
    const h = await configured(6);
    h.clock.sleep(25 * H);
    await h.scheduler.onResume();
    await h.scheduler.onResume();
    await h.scheduler.whenIdle();
    expect(h.runs.map((r) => r.trigger)).toEqual(['catch-up']);
    expect(kinds(h, 'catch-up')).toHaveLength(1);
    await h.clock.advance(60_000);
    expect(h.runs).toHaveLength(1);
  });

  it('a short sleep that misses no slot triggers nothing', async () => {
    const h = await configured(12);
    h.clock.sleep(2 * H);
    await h.scheduler.onResume();
    await h.clock.advance(60_000);
    expect(h.runs).toEqual([]);
    expect(kinds(h, 'catch-up')).toEqual([]);
  });

  it('a slot that arrives while a job runs is recorded as skipped, not queued', async () => {
    const h = await configured(4);
    h.externalJobRunning = true;
    await h.clock.advance(4 * H + 60_000);
    h.externalJobRunning = false;
    await h.clock.advance(3 * H);
    expect(h.runs).toEqual([]);
    const skipped = kinds(h, 'slot-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toBe(SKIP_REASON_RUNNING);
    expect(skipped[0]?.at).toBe(new Date(Date.parse(T0) + 4 * H).toISOString());
    await h.clock.advance(H);
    expect(h.runs.map((r) => r.trigger)).toEqual(['scheduled']);
  });

  it("a slot that arrives while the scheduler's own long run is still going is skipped", async () => {
    const h = await configured(4);
    h.holdRuns = true;
    await h.clock.advance(8 * H + 60_000);
    expect(h.runs).toHaveLength(1);
    expect(kinds(h, 'slot-skipped').map((e) => e.reason)).toEqual([SKIP_REASON_RUNNING]);
    h.releaseRuns();
    await h.scheduler.whenIdle();
    await h.clock.advance(4 * H);
    expect(h.runs).toHaveLength(2);
  });

  it('frequency change: re-anchored at the last slot boundary ≤ now; preview equals what is saved', async () => {
    const h = await configured(12);
    await h.clock.advance(14 * H); // slot at +12 h ran; now = +14 h
    const preview = h.scheduler.previewFrequency(4);
    expect(preview.anchor).toBe(new Date(Date.parse(T0) + 12 * H).toISOString());
    expect(preview.nextBackupTime).toBe(new Date(Date.parse(T0) + 16 * H).toISOString());
    expect(preview.upcoming[1]).toBe(new Date(Date.parse(T0) + 20 * H).toISOString());
    // The preview saved nothing.
    expect(h.store.current?.frequencyHours).toBe(12);

    const saved = await h.scheduler.setFrequency(4);
    expect(saved).toEqual(preview);
    expect(h.store.current?.frequencyHours).toBe(4);
    const runsBefore = h.runs.length;
    await h.clock.advance(2 * H + 60_000);
    expect(h.runs.length).toBe(runsBefore + 1);
    expect(kinds(h, 'catch-up')).toEqual([]);
  });

  it('lengthening the frequency never causes an immediate run or a catch-up', async () => {
    const h = await configured(4);
    await h.clock.advance(11 * H);
    const runs = h.runs.length;
    const view = await h.scheduler.setFrequency(12);
    expect(view.nextBackupTime).toBe(new Date(Date.parse(T0) + 20 * H).toISOString());
    await h.clock.advance(60_000);
    expect(h.runs.length).toBe(runs);
  });

  it('rejects a frequency outside 4–12 hours', async () => {
    const h = await configured(12);
    expect(() => h.scheduler.previewFrequency(3)).toThrow(/4 to 12/);
    await expect(h.scheduler.setFrequency(13)).rejects.toThrow(/4 to 12/);
  });

  it('disabled while closed: slots are recorded as skipped on start and none runs', async () => {
    const h = await configured(12, false);
    h.scheduler.stop();
    h.clock.setWallTime(new Date(Date.parse(T0) + 49 * H));
    const h2 = h.restart();
    await h2.scheduler.start();
    expect(h2.runs).toEqual([]);
    expect(kinds(h2, 'slot-skipped')).toHaveLength(4);
  });

  it('a failing backup is reported and does not stop the schedule', async () => {
    const errors: string[] = [];
    const h = makeHarness(T0, null, {
      runBackup: () => Promise.reject(new Error('share gone')),
      onError: (_e, where) => errors.push(where),
    });
    await h.scheduler.start();
    await h.scheduler.configure({ frequencyHours: 4, enabled: true });
    await h.clock.advance(8 * H + 60_000);
    expect(errors).toEqual(['scheduled backup', 'scheduled backup']);
  });

  it('a settings change before start() applies to the persisted schedule instead of overwriting it', async () => {
    const h = await configured(12);
    await h.clock.advance(5 * H);
    const h2 = h.restart();
    const view = await h2.scheduler.setEnabled(false);
    expect(view.anchor).toBe(T0);
    expect(h2.store.current).toMatchObject({ anchor: T0, enabled: false, frequencyHours: 12 });
  });

  it('start() twice arms one timer only', async () => {
    const h = await configured(12);
    const timers = h.clock.pendingTimers;
    await h.scheduler.start();
    expect(h.clock.pendingTimers).toBe(timers);
    h.scheduler.stop();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('a long disabled closure records at most 50 skipped slots plus one summary', async () => {
    const h = await configured(4, false);
    h.scheduler.stop();
    h.clock.setWallTime(new Date(Date.parse(T0) + 14 * 24 * H + 60_000));
    const h2 = h.restart();
    await h2.scheduler.start();
    const skipped = kinds(h2, 'slot-skipped');
    expect(skipped).toHaveLength(51);
    expect(skipped[0]?.summary).toMatch(/^34 earlier scheduled backups skipped/);
    expect(skipped[50]?.at).toBe(new Date(Date.parse(T0) + 14 * 24 * H).toISOString());
    expect(new Set(skipped.slice(1).map((e) => e.at)).size).toBe(50);
    expect(h2.runs).toEqual([]);
  });
});

describe('Scheduler and wall-clock steps (wall time moves, elapsed time does not)', () => {
  const at = (hours: number) => new Date(Date.parse(T0) + hours * H).toISOString();

  it('a forward jump seen by the running console, corrected later: no catch-up for slots that never passed, no gap in backups', async () => {
    const h = await configured(12);
    await h.clock.advance(H);
    h.clock.stepWallTime(2 * 24 * H);
    await h.clock.advance(10 * 60_000);
    // While the clock is wrong the schedule moves with it: the next backup is still 12 h after configuration in real time.
    expect(h.scheduler.view().nextBackupTime).toBe(at(48 + 12));
    h.clock.stepWallTime(-2 * 24 * H);
    await h.clock.advance(10 * 60_000);
    expect(h.scheduler.view().nextBackupTime).toBe(at(12));
    await h.clock.advance(2 * 24 * H);
    expect(h.runs).toEqual([12, 24, 36, 48].map((k) => ({ trigger: 'scheduled', at: at(k) })));
    expect(kinds(h, 'catch-up')).toEqual([]);
    expect(kinds(h, 'schedule-changed').map((e) => e.summary)).toEqual([
      expect.stringMatching(/^Automatic backups start/),
      expect.stringMatching(/stepped forward by 2 d 0 h/),
      expect.stringMatching(/stepped back by 2 d 0 h/),
    ]);
  });

  it('a backward step: the next backup comes one frequency after the last one in real time, not the step later', async () => {
    const h = await configured(12);
    await h.clock.advance(12 * H + 60_000);
    expect(h.runs).toHaveLength(1);
    h.clock.stepWallTime(-6 * H);
    await h.clock.advance(12 * H);
    expect(h.runs.map((r) => r.at)).toEqual([at(12), at(24 - 6)]);
    expect(kinds(h, 'catch-up')).toEqual([]);
  });

  it('the clock set back while the console was closed: the next backup shown is the one that runs', async () => {
    const h = await configured(4);
    await h.clock.advance(9 * H);
    expect(h.runs).toHaveLength(2);
    h.scheduler.stop();
    h.clock.setWallTime(at(1));
    const h2 = h.restart();
    await h2.scheduler.start();
    const next = h2.scheduler.view().nextBackupTime;
    expect(next).toBe(at(4));
    await h2.clock.advance(3 * H + 1);
    expect(h2.runs).toEqual([{ trigger: 'scheduled', at: next }]);
  });

  it('a sleep is still a sleep: wall and elapsed time both moved, so it is a catch-up, not a step', async () => {
    const h = await configured(4);
    await h.clock.advance(H);
    h.clock.sleep(30 * H);
    await h.clock.advance(60_000);
    await h.scheduler.whenIdle();
    expect(h.runs.map((r) => r.trigger)).toEqual(['catch-up']);
    expect(kinds(h, 'schedule-changed')).toHaveLength(1);
  });
});
