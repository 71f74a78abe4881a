import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/engine/dispatch';
import { createEngine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { configuredEngine, type EngineHarness } from './engine-harness';

const H = 3_600_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

async function pausedAlert(harness: EngineHarness): Promise<unknown> {
  await harness.engine.whenIdle();
  return (await harness.engine.listAlerts()).find((alert) => alert.kind === 'backups-paused');
}

describe('maintenance pause (schedule pause / resume)', () => {
  it('skips the slots with the reason, raises "Infrastructure backups are paused", asks before Backup now, and ends by itself', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.startAutomation();
    const until = new Date(h.clock.now().getTime() + 9 * H).toISOString();
    const view = await h.engine.pauseSchedule({ until, reason: 'Azure Stack Hub update 2411' });
    expect(view.pause).toMatchObject({ until, reason: 'Azure Stack Hub update 2411' });
    // Next backup is the first slot after the pause (+12 h), not a slot the pause skips.
    const slot12 = new Date(Date.parse(view.anchor!) + 12 * H).toISOString();
    expect(view.nextBackupTime).toBe(slot12);
    expect(view.upcoming[0]).toBe(slot12);
    expect(await pausedAlert(h)).toMatchObject({
      title: 'Infrastructure backups are paused.',
      detail: expect.stringContaining('Azure Stack Hub update 2411'),
    });

    // Backup now asks for confirmation while paused; confirmed, it runs.
    const refused = await dispatch(h.engine, 'startBackup', undefined);
    expect(refused.ok ? 'started' : refused.error.code).toBe('confirmation-required');
    await h.engine.startBackup({ force: true });
    await h.engine.whenIdle();

    // The slots at +4 h and +8 h are skipped with the reason; no scheduled backup runs.
    await h.clock.advance(8 * H + 60_000);
    const rows = await h.engine.listBackups();
    expect(rows.filter((row) => row.state === 'Skipped')).toEqual([
      expect.objectContaining({ reason: `backups paused until ${until}: Azure Stack Hub update 2411` }),
      expect.objectContaining({ reason: `backups paused until ${until}: Azure Stack Hub update 2411` }),
    ]);
    expect(rows.filter((row) => row.state === 'Succeeded')).toHaveLength(1);
    expect(await pausedAlert(h)).toBeDefined();

    // At +9 h the pause ends by itself: the alert closes, and the +12 h slot runs.
    await h.clock.advance(H);
    expect((await h.engine.getSchedule()).pause).toBeNull();
    expect(await pausedAlert(h)).toBeUndefined();
    await h.clock.advance(3 * H);
    await h.engine.whenIdle();
    expect((await h.engine.listBackups()).filter((row) => row.state === 'Succeeded')).toHaveLength(2);
    const timeline = await h.engine.getTimeline({ kinds: ['schedule-changed'] });
    expect(timeline.map((event) => event.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining('Backups paused until'), expect.stringContaining('maintenance pause ended')]),
    );
  });

  it('resume ends the pause at once: the alert closes, Backup now needs no confirmation, the next slot runs', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.startAutomation();
    await h.engine.pauseSchedule({ until: new Date(h.clock.now().getTime() + 48 * H).toISOString(), reason: 'storage maintenance' });
    await h.clock.advance(5 * H);
    expect(await pausedAlert(h)).toBeDefined();

    expect((await h.engine.resumeSchedule()).pause).toBeNull();
    expect(await pausedAlert(h)).toBeUndefined();
    await h.clock.advance(3 * H + 60_000);
    await h.engine.whenIdle();
    const states = (await h.engine.listBackups()).map((row) => row.state);
    expect(states).toEqual(['Succeeded', 'Skipped']);
    const started = await h.engine.startBackup();
    expect(started.trigger).toBe('on-demand');
  });

  it('a pause or resume another process saves is followed at once: schedule-changed and the paused alert, then the slot is skipped', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.startAutomation();
    const harness = h;
    // A one-shot `schedule pause` on the same config folder: its own engine, never started.
    const oneShotEngine = () =>
      createEngine({
        configDir: harness.configDir,
        version: 'test',
        frontDoor: 'cli',
        clock: harness.clock,
        logger: createLogger({ level: 'silent' }),
      });
    const oneShot = oneShotEngine();
    const until = new Date(h.clock.now().getTime() + 6 * H).toISOString();
    await oneShot.pauseSchedule({ until, reason: 'stamp update' });
    await oneShot.close();

    // The file watch (real time, debounced): polled with a generous deadline, as nothing else tells when it fires.
    const published = async (test: () => boolean, what: string): Promise<void> => {
      for (const deadline = Date.now() + 30_000; !test(); await new Promise((resolve) => setTimeout(resolve, 20)))
        if (Date.now() > deadline) throw new Error(`the running engine did not publish ${what}`);
      await harness.engine.whenIdle();
    };
    const pauses = () => harness.events.flatMap((event) => (event.type === 'schedule-changed' ? [event.schedule.pause] : []));
    const pausedAlerts = () =>
      harness.events.flatMap((event) => (event.type === 'alerts-changed' ? [event.alerts.some((a) => a.kind === 'backups-paused')] : []));
    await published(() => pauses().at(-1)?.reason === 'stamp update', 'the pause');
    await published(() => pausedAlerts().at(-1) === true, 'the paused alert');
    expect((await h.engine.getSchedule()).nextBackupTime).toBe(
      new Date(Date.parse((await h.engine.getSchedule()).anchor!) + 8 * H).toISOString(),
    );

    await h.clock.advance(4 * H + 60_000);
    expect((await h.engine.listBackups()).map((row) => [row.state, row.reason])).toEqual([
      ['Skipped', `backups paused until ${until}: stamp update`],
    ]);

    const resumer = oneShotEngine();
    await resumer.resumeSchedule();
    await resumer.close();
    await published(() => pauses().at(-1) === null, 'the resume');
    await published(() => pausedAlerts().at(-1) === false, 'the paused alert closing');
  });

  it('a pause must end in the future, and say why', async () => {
    h = await configuredEngine();
    const past = await dispatch(h.engine, 'pauseSchedule', { until: '2020-01-01T00:00:00Z', reason: 'update' });
    expect(past.ok ? 'paused' : past.error).toMatchObject({ code: 'invalid-input', field: 'until' });
    const noReason = await dispatch(h.engine, 'pauseSchedule', { until: '2099-01-01T00:00:00Z', reason: ' ' });
    expect(noReason.ok ? 'paused' : noReason.error.code).toBe('invalid-input');
  });
});
