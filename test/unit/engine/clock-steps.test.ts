import { afterEach, describe, expect, it } from 'vitest';
import { configuredEngine, type EngineHarness } from './engine-harness';

const H = 3_600_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

const kinds = async (harness: EngineHarness): Promise<string[]> => (await harness.engine.listAlerts()).map((a) => a.kind);

describe('a running console and wall-clock steps', () => {
  it('the no-recent-backup alert fires after 2 × frequency of real time, even when the clock went back a day meanwhile', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.startAutomation();
    await h.engine.startBackup();
    await h.engine.whenIdle();
    // From now on every run fails...
    await h.engine.removeSource({ name: 'files' });
    await h.engine.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    // ...and the wall clock is set back a day: the last success now lies "in the future".
    h.clock.stepWallTime(-24 * H);
    await h.clock.advance(7 * H);
    expect(await kinds(h)).not.toContain('no-recent-backup');
    await h.clock.advance(2 * H);
    expect(await kinds(h)).toContain('no-recent-backup');
    // Scheduled backups went on in real time (and failed): the step stopped nothing.
    const runs = await h.engine.getTimeline({ kinds: ['run-finished'], limit: 10 });
    expect(runs.filter((e) => e.trigger === 'scheduled').map((e) => e.state)).toEqual(['Failed', 'Failed']);
  });

  it('a forward jump corrected later: config show never announces a next backup that does not run', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.startAutomation();
    await h.clock.advance(H);
    h.clock.stepWallTime(3 * 24 * H);
    await h.clock.advance(30 * 60_000);
    h.clock.stepWallTime(-3 * 24 * H);
    await h.clock.advance(60_000);
    const { nextBackupTime } = await h.engine.getSchedule();
    expect(Date.parse(nextBackupTime ?? '')).toBeGreaterThan(h.clock.now().getTime());
    await h.clock.advance(Date.parse(nextBackupTime ?? '') - h.clock.now().getTime() + 60_000);
    const started = await h.engine.getTimeline({ kinds: ['run-started'] });
    expect(started.map((e) => [e.trigger, e.at])).toEqual([['scheduled', nextBackupTime]]);
  });
});
