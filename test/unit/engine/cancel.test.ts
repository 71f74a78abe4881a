import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../preload/api';
import type { FileShare } from '../../../main/engine/share/file-share';
import { openFileShare } from '../../../main/engine/share/open-share';
import { ShareWrapper, type ShareCall } from '../../../main/engine/share/wrappers/share-wrapper';
import { configuredEngine, type EngineHarness } from './engine-harness';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

const progressStates = (events: ApiEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'job-started' || e.type === 'job-progress' ? [e.progress.state] : []));

describe('a cancelled backup is its own outcome', () => {
  it('says Cancelling the moment the cancel is accepted, ends Cancelled, raises no alert and notifies no one', async () => {
    const notified: string[] = [];
    h = await configuredEngine({ extra: { notifier: { notify: (alert) => void notified.push(alert.kind) } } });
    // A source that waits keeps the job running until it is cancelled, however loaded the machine.
    await h.engine.station.addCommandSource({ name: 'waits', command: 'sleep 600' });
    const alertsBefore = await h.engine.listAlerts();
    const job = await h.engine.startBackup();
    const cancelled = h.engine.cancelBackup();
    // Published before cancelBackup waits for the job to end.
    expect(progressStates(h.events).at(-1)).toBe('Cancelling');
    expect((await h.engine.getActiveJob())?.state).toBe('Cancelling');
    await cancelled;
    await h.engine.whenIdle();

    const states = progressStates(h.events);
    expect(states.slice(states.indexOf('Cancelling'))).toEqual(states.slice(states.indexOf('Cancelling')).map(() => 'Cancelling'));
    const finished = h.events.filter((e) => e.type === 'job-finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      jobId: job.jobId,
      backup: { backupId: job.backupId, state: 'Cancelled' },
      error: { code: 'cancelled' },
    });
    const [run] = await h.engine.getTimeline({ kinds: ['run-finished'] });
    expect(run).toMatchObject({ backupId: job.backupId, state: 'Cancelled', reason: expect.stringContaining('cancelled by the operator') });
    expect(run?.category).toBeUndefined();
    expect(await h.engine.listAlerts()).toEqual(alertsBefore);
    expect(notified).toEqual([]);
    expect(await h.engine.listBackups()).toEqual([]);
  });

  it('a cancel neither raises nor closes a failure alert: it says nothing about the share', async () => {
    h = await configuredEngine();
    await h.engine.removeSource({ name: 'files' });
    await h.engine.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    await h.engine.startBackup();
    await h.engine.whenIdle();
    expect((await h.engine.listAlerts()).map((a) => a.kind)).toContain('general');

    await h.engine.station.removeSource('broken');
    await h.engine.station.addCommandSource({ name: 'waits', command: 'sleep 600' });
    const before = (await h.engine.listAlerts()).find((a) => a.kind === 'general');
    await h.engine.startBackup();
    await h.engine.cancelBackup();
    await h.engine.whenIdle();
    // Still the alert of the failed run, unchanged: the cancelled one is not a failure.
    expect((await h.engine.listAlerts()).find((a) => a.kind === 'general')).toEqual(before);
  });
});

/** A driver that, like the SMB one, takes a moment before it reads an upload's source: component writes wait for `gate`. */
class SlowToRead extends ShareWrapper {
  constructor(
    inner: FileShare,
    private readonly gate: Promise<void>,
    private readonly onWrite: () => void,
  ) {
    super(inner);
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (call.method === 'writeStream' && call.path?.endsWith('.bin')) {
      this.onWrite();
      await this.gate;
    }
    return proceed();
  }
}

describe('cancel while the share sets up an upload', () => {
  it('the job ends Cancelled; the failed stream is not an unhandled error that ends the process', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let writing = (): void => undefined;
    const writeStarted = new Promise<void>((resolve) => (writing = resolve));
    h = await configuredEngine({ extra: { openShare: (input) => new SlowToRead(openFileShare(input), gate, writing) } });
    await h.engine.startBackup();
    await writeStarted;
    const cancelled = h.engine.cancelBackup();
    // The driver gets to the source only after the cancel's stream errors have been emitted (they go out on process.nextTick).
    setImmediate(release);
    await cancelled;
    await h.engine.whenIdle();
    expect(h.events.find((e) => e.type === 'job-finished')).toMatchObject({ backup: { state: 'Cancelled' } });
  });
});
