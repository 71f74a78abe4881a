import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEDULE_FILE_NAME, scheduleFileStore } from '../../../main/engine/schedule/schedule-file';
import { Scheduler } from '../../../main/engine/schedule/scheduler';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('ibc-schedule-');
});
afterEach(() => dir.remove());

describe('schedule state file', () => {
  it('persists the schedule across a restart through the config dir', async () => {
    const clock = new FakeClock('2026-05-01T06:00:00.000Z');
    const deps = { clock, timeline: { append: () => undefined }, runBackup: async () => undefined, isJobRunning: () => false };
    const first = new Scheduler({ ...deps, store: scheduleFileStore(dir.path) });
    await first.start();
    await first.configure({ frequencyHours: 6, enabled: true });
    await first.setEnabled(false);
    first.stop();
    const saved = JSON.parse(await readFile(join(dir.path, SCHEDULE_FILE_NAME), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({
      anchor: '2026-05-01T06:00:00.000Z',
      frequencyHours: 6,
      enabled: false,
      disabledSince: '2026-05-01T06:00:00.000Z',
    });

    const second = new Scheduler({ ...deps, store: scheduleFileStore(dir.path) });
    await second.start();
    second.stop();
    expect(second.snapshot()).toEqual(saved);
  });

  it('an invalid file loads as "no state" and is reported', async () => {
    await writeFile(join(dir.path, SCHEDULE_FILE_NAME), '{"anchor": 5}');
    const reasons: string[] = [];
    expect(await scheduleFileStore(dir.path, (r) => reasons.push(r)).load()).toBeNull();
    await writeFile(join(dir.path, SCHEDULE_FILE_NAME), '{torn');
    expect(await scheduleFileStore(dir.path, (r) => reasons.push(r)).load()).toBeNull();
    expect(reasons).toHaveLength(2);
  });
});
