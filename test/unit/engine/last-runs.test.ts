import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileShare } from '../../../main/engine/share/file-share';
import { ShareWrapper, type ShareCall } from '../../../main/engine/share/wrappers/share-wrapper';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine } from '../../../main/engine/service';
import { shareError } from '../../../main/engine/share/share-errors';
import { cli } from '../../support/cli';
import { configuredEngine, type EngineHarness } from './engine-harness';

const MIN = 60_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

async function backupAndWait(harness: EngineHarness): Promise<void> {
  await harness.engine.startBackup();
  await harness.engine.whenIdle();
}

describe('last successful backup and last attempt are two facts', () => {
  it('after a failed attempt, Essentials, getLastRuns and config show --json say both — and so does a restarted console', async () => {
    h = await configuredEngine();
    await backupAndWait(h);
    const succeeded = (await h.engine.getTimeline({ kinds: ['run-finished'] }))[0];
    await h.clock.advance(5 * MIN);
    await h.engine.removeSource({ name: 'files' });
    await h.engine.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    await backupAndWait(h);

    const essentials = await h.engine.getEssentials();
    expect(essentials.lastSuccessfulBackup).toMatchObject({ backupId: succeeded?.backupId, state: 'Succeeded', finishedAt: succeeded?.at });
    expect(essentials.lastAttempt).toMatchObject({ state: 'Failed', reason: expect.stringContaining('broken') });
    expect(essentials.lastAttempt?.backupId).not.toBe(succeeded?.backupId);
    expect(await h.engine.getLastRuns()).toEqual({
      lastSuccessfulBackup: essentials.lastSuccessfulBackup,
      lastAttempt: essentials.lastAttempt,
    });
    await h.engine.close();

    // A new console on the same folder (a restart) reads both from the history.
    const restarted = createEngine({
      configDir: h.configDir,
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    const after = await restarted.getEssentials();
    await restarted.close();
    expect(after.lastSuccessfulBackup).toEqual(essentials.lastSuccessfulBackup);
    expect(after.lastAttempt).toEqual(essentials.lastAttempt);

    const shown = await cli(['--json', '--config-dir', h.configDir, 'config', 'show']);
    expect(shown.code, shown.err).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({
      lastSuccessfulBackup: essentials.lastSuccessfulBackup,
      lastAttempt: essentials.lastAttempt,
    });
  });
});

describe('capacity says when it was read, or that it is unknown', () => {
  it('a reading carries its time; once the share cannot be reached the figure is unknown and says why, not the old one', async () => {
    h = await configuredEngine();
    const read = await h.engine.getCapacity();
    expect(read.freeBytes).toBeGreaterThan(0);
    expect(read.measuredAt).toBe(h.clock.now().toISOString());
    expect(read.readFailure).toBeNull();

    h.faults.freeSpace = () => shareError('connectivity', 'The server did not answer.');
    await h.clock.advance(6 * MIN);
    // Essentials answers at once with what is known (the reading, with its time) and reads again in the background.
    expect((await h.engine.getEssentials()).capacity).toEqual(read);
    const unknown = {
      freeBytes: null,
      totalBytes: null,
      measuredAt: null,
      readFailure: {
        at: h.clock.now().toISOString(),
        category: 'connectivity',
        message: expect.stringContaining('The server did not answer.'),
      },
    };
    await vi.waitFor(() => expect(h?.events.at(-1)).toEqual({ type: 'capacity-changed', capacity: unknown }));
    expect((await h.engine.getEssentials()).capacity).toEqual(unknown);
  });

  it('Essentials does not wait for a server that does not answer: the reading lands later, as capacity-changed', async () => {
    h = await configuredEngine();
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const known = (await h.engine.getEssentials()).capacity;
    await h.clock.advance(6 * MIN);
    h.resetCounts();
    h.wrapNextShare((share) => new AnswersLater(share, answered));
    // A new reading is due: the one known, with its time, is the answer meanwhile.
    expect((await h.engine.getEssentials()).capacity).toEqual(known);
    // Asked again meanwhile: the same reading is awaited, the server is not asked twice.
    await h.engine.getEssentials();
    expect(h.calls.freeSpace).toBe(1);
    const before = h.events.length;
    answer();
    await vi.waitFor(() => expect(h?.events.slice(before).some((event) => event.type === 'capacity-changed')).toBe(true));
    expect((await h.engine.getEssentials()).capacity.measuredAt).toBe(h.clock.now().toISOString());
    expect(h.calls.freeSpace).toBe(1);
  });
});

describe('a capacity reading that lands after the location changed', () => {
  it("is not shown as the new location's capacity", async () => {
    h = await configuredEngine();
    await h.clock.advance(6 * MIN);
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // The old location's reading answers late, and with a figure of its own.
    const late = { answered, space: { freeBytes: 1, totalBytes: 2 } };
    let oldShare: AnswersLater | null = null;
    h.wrapNextShare((share) => (oldShare = new AnswersLater(share, late.answered, late.space)));
    await h.engine.getEssentials();
    const elsewhere = join(h.shareDir, '..', 'elsewhere');
    await mkdir(elsewhere);
    await h.engine.saveSettings({ location: elsewhere });
    await h.engine.whenIdle();
    const before = h.events.length;
    answer();
    await oldShare!.answeredFreeSpace;
    // The reading's own steps after its answer (a turn of the event loop at most).
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.events.slice(before).filter((event) => event.type === 'capacity-changed')).toEqual([]);
    expect((await h.engine.getEssentials()).capacity.freeBytes).not.toBe(1);
  });
});

/** A share whose free-space answer waits for `answered` (a server that does not answer, until it does). */
class AnswersLater extends ShareWrapper {
  private answeredNow: () => void = () => undefined;
  /** Resolves once the free-space question has been answered. */
  readonly answeredFreeSpace = new Promise<void>((resolve) => (this.answeredNow = resolve));

  constructor(
    inner: FileShare,
    private readonly answered: Promise<void>,
    private readonly space?: { freeBytes: number; totalBytes: number },
  ) {
    super(inner);
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (call.method !== 'freeSpace') return proceed();
    await this.answered;
    const real = await proceed();
    this.answeredNow();
    return (this.space ?? real) as T;
  }
}

/** What `infra-backup backup start --wait` is beside a running console: another engine on its config folder, for one command. */
function oneShotBeside(running: EngineHarness, notified: string[]) {
  return createEngine({
    configDir: running.configDir,
    version: 'test',
    frontDoor: 'cli',
    clock: running.clock,
    logger: createLogger({ level: 'silent' }),
    notifier: { notify: (alert) => void notified.push(`one-shot:${alert.kind}`) },
  });
}

describe('a running console follows the runs another process on the station records', () => {
  it('a one-shot console beside it backs up: last runs, timeline and alerts follow, each event once, one notification', async () => {
    const notified: string[] = [];
    h = await configuredEngine({ extra: { notifier: { notify: (alert) => void notified.push(`running:${alert.kind}`) } } });
    const running = h;
    // Not started: its folder watch would make when it learns of the other runs a matter of timing. Here it learns when asked.
    expect((await running.engine.getEssentials()).lastAttempt).toBeNull();
    const oneShot = () => oneShotBeside(running, notified);
    const elsewhere = (): string[] =>
      running.events.flatMap((e) =>
        e.type === 'timeline-appended' && e.recordedElsewhere ? [`${e.event.kind}:${e.event.state ?? ''}`] : [],
      );

    const first = oneShot();
    await first.startBackup();
    await first.whenIdle();
    await first.close();
    const succeeded = (await first.getTimeline({ kinds: ['run-finished'] }))[0];
    expect(succeeded).toMatchObject({ state: 'Succeeded' });

    const essentials = await running.engine.getEssentials();
    expect(essentials.lastAttempt).toMatchObject({ backupId: succeeded?.backupId, state: 'Succeeded' });
    expect(essentials.lastSuccessfulBackup).toMatchObject({ backupId: succeeded?.backupId, finishedAt: succeeded?.at });
    expect(elsewhere()).toEqual(['run-started:Creating', 'run-finished:Succeeded']);
    expect((await running.engine.getTimeline({ kinds: ['run-finished'] }))[0]?.id).toBe(succeeded?.id);

    await running.clock.advance(5 * MIN);
    const second = oneShot();
    await second.removeSource({ name: 'files' });
    await second.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    await second.startBackup();
    await second.whenIdle();
    await second.close();
    // Its first backup protects backups with a certificate whose .pfx was never confirmed; its second failed.
    expect(notified).toEqual(['one-shot:unconfirmed-recovery-key', 'one-shot:general']);

    const after = await running.engine.getEssentials();
    expect(after.lastAttempt).toMatchObject({ state: 'Failed', reason: expect.stringContaining('broken') });
    expect(after.lastSuccessfulBackup?.backupId).toBe(succeeded?.backupId);
    await running.engine.whenIdle();
    expect((await running.engine.listAlerts()).map((alert) => alert.kind)).toContain('general');
    // The one-shot console told of the alerts; the running one shows them, and does not tell again.
    expect(notified).toEqual(['one-shot:unconfirmed-recovery-key', 'one-shot:general']);
    expect(elsewhere()).toEqual(['run-started:Creating', 'run-finished:Succeeded', 'run-started:Creating', 'run-finished:Failed']);
    // Its own appends are published once, and never as another process's.
    const ids = running.events.flatMap((e) => (e.type === 'timeline-appended' ? [e.event.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an alert the other process raised from its newer listing is not closed by a listing taken before its run', async () => {
    const notified: string[] = [];
    h = await configuredEngine({ extra: { notifier: { notify: (alert) => void notified.push(`running:${alert.kind}`) } } });
    const running = h;
    // The running console has listed the share: empty then.
    expect(await running.engine.listBackups()).toEqual([]);
    const oneShot = oneShotBeside(running, notified);
    await oneShot.startBackup();
    await oneShot.whenIdle();
    await oneShot.close();
    expect(notified).toEqual(['one-shot:unconfirmed-recovery-key']);

    // Its first evaluation since (a settings change, a timer) learns of the run only as it reads the last runs.
    expect((await running.engine.listAlerts()).map((alert) => alert.kind)).toContain('unconfirmed-recovery-key');
    await running.engine.whenIdle();
    expect((await running.engine.listAlerts()).map((alert) => alert.kind)).toContain('unconfirmed-recovery-key');
    expect(notified).toEqual(['one-shot:unconfirmed-recovery-key']);
  });
});
