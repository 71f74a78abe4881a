import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScheduleView } from '../../../preload/api';
import type { NewTimelineEvent } from '../../../main/engine/history/timeline-sink';
import { SCHEDULE_FILE_NAME, scheduleFileStore } from '../../../main/engine/schedule/schedule-file';
import { Scheduler, SKIP_REASON_DISABLED, pausedReason, type SchedulerDeps } from '../../../main/engine/schedule/scheduler';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

const H = 3_600_000;
const T0 = '2026-06-01T08:00:00.000Z';
const at = (hours: number): string => new Date(Date.parse(T0) + hours * H).toISOString();

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('ibc-schedule-shared-');
});
afterEach(() => dir.remove());

/** One process's scheduler over the config dir's schedule.json: what it ran, recorded and published. */
function processOn(clock: FakeClock, overrides: Partial<SchedulerDeps> = {}) {
  const seen = { runs: [] as string[], events: [] as NewTimelineEvent[], views: [] as ScheduleView[] };
  const scheduler = new Scheduler({
    clock,
    store: scheduleFileStore(dir.path),
    timeline: { append: (event) => void seen.events.push(event) },
    runBackup: async () => void seen.runs.push(clock.now().toISOString()),
    isJobRunning: () => false,
    onChange: (view) => seen.views.push(view),
    ...overrides,
  });
  return { scheduler, ...seen };
}

const onDisk = async (): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(join(dir.path, SCHEDULE_FILE_NAME), 'utf8')) as Record<string, unknown>;

describe('a running scheduler and another process on one schedule.json', () => {
  it('adopts a pause another process saved: the slot in it is Skipped with the reason, and the pause survives its save', async () => {
    const clock = new FakeClock(T0);
    const running = processOn(clock);
    await running.scheduler.start();
    await running.scheduler.configure({ frequencyHours: 12, enabled: true });

    // A one-shot `schedule pause` beside it: its own scheduler, never started.
    await clock.advance(H);
    const oneShot = processOn(clock);
    await oneShot.scheduler.pause({ until: at(20), reason: 'stamp update' });

    // The running console is told (a watch on the file calls current()): the pause shows at once.
    const view = await running.scheduler.current();
    expect(view.pause).toEqual({ since: at(1), until: at(20), reason: 'stamp update' });
    expect(view.nextBackupTime).toBe(at(24));
    expect(running.views.at(-1)?.pause?.reason).toBe('stamp update');

    await clock.advance(12 * H);
    expect(running.runs).toEqual([]);
    expect(running.events.filter((event) => event.kind === 'slot-skipped')).toEqual([
      expect.objectContaining({ at: at(12), reason: pausedReason({ until: at(20), reason: 'stamp update' }) }),
    ]);
    // Its save after the slot kept the pause and recorded the slot as handled.
    expect(await onDisk()).toMatchObject({ pause: { until: at(20), reason: 'stamp update' }, lastSlotHandled: at(12) });

    // The pause ends by itself; the slot after it runs.
    await clock.advance(12 * H);
    expect(running.runs).toEqual([at(24)]);
    running.scheduler.stop();
  });

  it('a pause saved between its read and its write survives: the save merges it in (compare before write)', async () => {
    const clock = new FakeClock(T0);
    let oneShot: ReturnType<typeof processOn> | null = null;
    const running = processOn(clock, {
      timeline: {
        // Another process pauses while the running scheduler records a skipped slot, before it saves that slot.
        append: async (event) => {
          if (event.kind === 'slot-skipped' && oneShot === null) {
            oneShot = processOn(clock);
            await oneShot.scheduler.pause({ until: at(30), reason: 'storage maintenance' });
          }
        },
      },
    });
    await running.scheduler.start();
    await running.scheduler.configure({ frequencyHours: 12, enabled: false });

    await clock.advance(12 * H);
    expect(oneShot).not.toBeNull();
    expect(await onDisk()).toMatchObject({
      enabled: false,
      lastSlotHandled: at(12),
      pause: { until: at(30), reason: 'storage maintenance' },
    });
    expect((await running.scheduler.current()).pause?.reason).toBe('storage maintenance');
    running.scheduler.stop();
  });

  it('follows resume, enable and disable saved elsewhere; a slot either handled never runs twice', async () => {
    const clock = new FakeClock(T0);
    const skipped: string[] = [];
    const running = processOn(clock, {
      timeline: { append: (event) => void (event.kind === 'slot-skipped' && skipped.push(`${event.at} ${event.reason}`)) },
    });
    await running.scheduler.start();
    await running.scheduler.configure({ frequencyHours: 6, enabled: true });

    await processOn(clock).scheduler.setEnabled(false);
    await clock.advance(6 * H);
    expect(running.runs).toEqual([]);
    expect(skipped).toEqual([`${at(6)} ${SKIP_REASON_DISABLED}`]);

    await processOn(clock).scheduler.setEnabled(true);
    expect((await running.scheduler.current()).enabled).toBe(true);
    await clock.advance(6 * H);
    expect(running.runs).toEqual([at(12)]);

    await processOn(clock).scheduler.pause({ until: at(40), reason: 'update' });
    await clock.advance(H);
    expect((await running.scheduler.current()).pause).not.toBeNull();
    await processOn(clock).scheduler.resume();
    expect((await running.scheduler.current()).pause).toBeNull();
    await clock.advance(6 * H);
    expect(running.runs).toEqual([at(12), at(18)]);
    expect(await onDisk()).toMatchObject({ enabled: true, pause: null, lastSlotHandled: at(18) });
    running.scheduler.stop();
  });
});
