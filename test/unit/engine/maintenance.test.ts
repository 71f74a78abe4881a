import { afterEach, describe, expect, it } from 'vitest';
import { MAINTENANCE_INTERVAL_MS } from '../../../main/engine/maintenance/maintenance-service';
import { shareError } from '../../../main/engine/share/share-errors';
import { configuredEngine, type EngineHarness } from './engine-harness';

const H = 3_600_000;
const MIN = 60_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

describe('the event-driven core, counted over a fake clock', () => {
  it('an idle hour lists the share twice (one pass per 30 min), not once a minute', async () => {
    expect(MAINTENANCE_INTERVAL_MS).toBe(30 * MIN);
    h = await configuredEngine({ frequencyHours: 12 });
    await h.engine.startAutomation();
    await h.engine.whenIdle();
    h.resetCounts();
    const passesBefore = h.retentionPasses().length;

    // Ten idle hours: the first automatic backup is due at 12 h.
    await h.clock.advance(10 * H);
    const passes = h.retentionPasses().slice(passesBefore);
    expect(passes).toEqual(Array.from({ length: 20 }, () => 'idle'));
    // Per pass: the catalog and the .partial folders (one list each); per hour: two passes.
    expect(h.calls.list / 10).toBe(4);
    expect(h.calls.freeSpace / 10).toBe(2);
    expect(h.calls.writeStream + h.calls.rename + h.calls.deleteTree).toBe(0);
  });

  it('one scheduled backup sets off exactly one retention pass', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    const slot = Date.parse((await h.engine.getSchedule()).nextBackupTime ?? '');
    // Started 10 min after configuration: idle passes fall 10 min after each slot, not on it.
    await h.clock.advance(10 * MIN);
    await h.engine.startAutomation();
    await h.clock.advance(slot - h.clock.now().getTime() - 5 * MIN);
    const before = h.retentionPasses().length;
    await h.clock.advance(5 * MIN + 9 * MIN);
    const finished = h.events.filter((e) => e.type === 'job-finished');
    expect(finished).toHaveLength(1);
    expect(h.retentionPasses().slice(before)).toEqual(['after-job']);
  });
});

describe('a backup that could not reach the share', () => {
  it('is not followed by a listing and a free-space reading that would wait out the same deadline; the next idle pass tries again', async () => {
    h = await configuredEngine({ frequencyHours: 12 });
    await h.engine.startAutomation();
    await h.engine.whenIdle();
    const harness = h;
    // The server does not answer: every call waits out its deadline (a minute of the engine's clock), then fails.
    const noAnswer = () => {
      harness.clock.sleep(MIN);
      return shareError('connectivity', 'The server did not answer.');
    };
    for (const method of Object.keys(h.calls) as Array<keyof typeof h.calls>) h.faults[method] = noAnswer;
    h.resetCounts();
    const started = h.clock.now().getTime();

    await h.engine.startBackup();
    await h.engine.whenIdle();
    const [run] = await h.engine.getTimeline({ kinds: ['run-finished'] });
    expect(run).toMatchObject({ state: 'Failed', category: 'connectivity' });
    // The duration it took, the deadline included — not 0 s.
    expect(run?.durationSeconds).toBe(60);
    const touched = Object.values(h.calls).reduce((sum, count) => sum + count, 0);
    expect(touched).toBe(1);
    expect(h.clock.now().getTime() - started).toBe(MIN);
    // What the window says: the failure, and a capacity that is unknown because of it, not the old figure.
    const essentials = await h.engine.getEssentials();
    expect(essentials.capacity).toMatchObject({ freeBytes: null, readFailure: { category: 'connectivity' } });
    expect((await h.engine.listAlerts()).map((alert) => alert.kind)).toContain('connectivity');

    for (const method of Object.keys(h.faults) as Array<keyof typeof h.faults>) delete h.faults[method];
    await h.clock.advance(MAINTENANCE_INTERVAL_MS);
    expect(h.retentionPasses().at(-1)).toBe('idle');
    expect((await h.engine.getEssentials()).capacity.freeBytes).toBeGreaterThan(0);
  });
});

describe('a share that does not answer', () => {
  it('holds up neither the start of the automation nor Essentials; the first pass runs once it answers', async () => {
    h = await configuredEngine({ frequencyHours: 12 });
    // The first pass at start is due (the last one, at configuration, is older than the interval).
    await h.clock.advance(MAINTENANCE_INTERVAL_MS + MIN);
    const passes = h.retentionPasses().length;
    const release = h.holdShare();
    // Before: start-up waited for the first pass (a listing, retention, the free space), each up to its deadline.
    await h.engine.startAutomation();
    const essentials = await h.engine.getEssentials();
    expect(essentials.settings.configured).toBe(true);
    expect(h.retentionPasses().slice(passes)).toEqual([]);
    release();
    await h.engine.whenIdle();
    expect(h.retentionPasses().slice(passes)).toEqual(['idle']);
  });

  it('a stop (SIGTERM, quit) drops what maintenance has left to do with the share, and decides no alert from a pass it cut short', async () => {
    h = await configuredEngine({ frequencyHours: 12 });
    await h.clock.advance(MAINTENANCE_INTERVAL_MS + MIN);
    const passes = h.retentionPasses().length;
    const alertChanges = () => h?.events.filter((event) => event.type === 'alerts-changed').length;
    const release = h.holdShare();
    await h.engine.startAutomation();
    h.resetCounts();
    const before = alertChanges();
    // The first pass waits on its listing; the stop comes meanwhile.
    const stopped = h.engine.shutdown();
    release();
    await stopped;
    expect(h.calls.list).toBeLessThanOrEqual(1);
    expect(h.calls.freeSpace).toBe(0);
    expect(h.retentionPasses().slice(passes)).toEqual([]);
    expect(alertChanges()).toBe(before);
  });
});

describe('scheduled backups, retention and alerts together', () => {
  it('ten days of 12-hourly backups with 2-day retention; a failed run raises an alert the next success closes', async () => {
    const notified: string[] = [];
    h = await configuredEngine({ frequencyHours: 12, extra: { notifier: { notify: (alert) => void notified.push(alert.kind) } } });
    await h.engine.saveSettings({ retentionDays: 2 });
    await h.engine.startAutomation();
    // Past the tenth day by one idle pass: the backup that expired just after the last run's pass is gone too.
    await h.clock.advance(10 * 24 * H + 31 * MIN);

    const runs = await h.engine.getTimeline({ kinds: ['run-finished'], limit: 100 });
    expect(runs.map((e) => `${e.trigger}:${e.state}`)).toEqual(Array.from({ length: 20 }, () => 'scheduled:Succeeded'));
    const kept = await h.engine.listBackups();
    // Within 2 days of now: the backups of the last four slots; the rest was deleted, each once.
    expect(kept).toHaveLength(4);
    expect(kept.every((b) => h!.clock.now().getTime() - Date.parse(b.completedAt ?? '') <= 2 * 24 * H)).toBe(true);
    expect(await h.engine.getTimeline({ kinds: ['retention-deleted'], limit: 100 })).toHaveLength(16);
    expect(kept.filter((b) => b.expiresAt === null)).toHaveLength(1);

    // The next run fails (its only source fails): the general-fault alert is raised once...
    await h.engine.removeSource({ name: 'files' });
    await h.engine.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    await h.clock.advance(12 * H);
    const failureAlerts = async (): Promise<string[]> =>
      (await h!.engine.listAlerts()).map((a) => a.kind).filter((kind) => kind !== 'unconfirmed-recovery-key');
    expect(await failureAlerts()).toEqual(['general']);
    // ...and the next success closes it.
    await h.engine.station.removeSource('broken');
    await h.engine.station.addCommandSource({ name: 'ok', command: 'echo fine' });
    await h.clock.advance(12 * H);
    expect(await failureAlerts()).toEqual([]);
    expect(notified.filter((kind) => kind !== 'unconfirmed-recovery-key')).toEqual(['general']);
  });
});
