import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, ApiEvent, JobProgress } from '../../../preload/api';
import { apiEvent } from '../../../common/contract/methods';
import { ENGINE_TEXTS, startEngineProcess, type EngineProcessOptions } from '../../../main/electron/engine-process';
import { CONNECT_MESSAGE, type HostToMain, type MainToHost } from '../../../main/engine/host/protocol';
import { fakeSafeStorage, MessageChannelStandIn, UtilityProcessStandIn, type UtilityChildStandIn } from './stand-ins';

/** The test plays the engine host on a child's port. */
function hostSide(child: UtilityChildStandIn) {
  const port = child.hostPort;
  if (!port) throw new Error('main did not hand the child a port');
  const received: MainToHost[] = [];
  const taken = new Set<MainToHost>();
  const waiters: Array<{ kind: MainToHost['kind']; resolve: (message: MainToHost) => void }> = [];
  port.on('message', ({ data }) => {
    const message = data as MainToHost;
    received.push(message);
    const index = waiters.findIndex((waiter) => waiter.kind === message.kind);
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
  });
  port.start();
  return {
    received,
    post: (message: HostToMain) => port.postMessage(message),
    next: <K extends MainToHost['kind']>(kind: K): Promise<Extract<MainToHost, { kind: K }>> => {
      const already = received.find((message) => message.kind === kind && !taken.has(message));
      if (already) {
        taken.add(already);
        return Promise.resolve(already as Extract<MainToHost, { kind: K }>);
      }
      return new Promise((resolve) =>
        waiters.push({
          kind,
          resolve: (message) => {
            taken.add(message);
            resolve(message as Extract<MainToHost, { kind: K }>);
          },
        }),
      );
    },
  };
}

/** Every message in flight is delivered: the stand-in ports deliver on microtasks, all drained before an immediate. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const progress = (backupId: string): JobProgress => ({
  jobId: 'job-1',
  backupId,
  trigger: 'on-demand',
  state: 'Creating',
  component: 'identity',
  bytesDone: 1,
  bytesTotal: 10,
  bytesPerSecond: 1,
  etaSeconds: 9,
  startedAt: '2026-11-24T10:00:00Z',
});

function setUp(options: Partial<EngineProcessOptions> = {}) {
  const forker = new UtilityProcessStandIn();
  const notified: Alert[] = [];
  const safeStorage = fakeSafeStorage();
  const connection = startEngineProcess(
    { utilityProcess: forker, MessageChannelMain: MessageChannelStandIn, safeStorage, notify: (alert) => void notified.push(alert) },
    { entryPath: '/opt/ibc/out/main/engine-host.js', configDir: '/home/op/.config/ibc', version: '1.2.3', ...options },
  );
  const events: ApiEvent[] = [];
  connection.onEvent((event) => void events.push(event));
  return { forker, connection, events, notified, safeStorage };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the engine process, seen from main', () => {
  it('forks the engine-host entry, hands it a MessagePort, and starts it with what main knows', async () => {
    const { forker } = setUp();
    expect(forker.children).toHaveLength(1);
    expect(forker.latest.modulePath).toBe('/opt/ibc/out/main/engine-host.js');
    expect(forker.latest.parentMessages).toEqual([CONNECT_MESSAGE]);
    const host = hostSide(forker.latest);
    expect(await host.next('start')).toEqual({
      kind: 'start',
      options: {
        configDir: '/home/op/.config/ibc',
        version: '1.2.3',
        frontDoor: 'desktop',
        safeStorage: { available: true, backend: 'gnome_libsecret' },
      },
    });
  });

  it('forwards calls and matches each result to its call, whatever the order', async () => {
    const { forker, connection } = setUp();
    const host = hostSide(forker.latest);
    const settings = connection.call('getSettings');
    const backups = connection.call('getBackup', { backupId: 'x' });
    const first = await host.next('call');
    const second = await host.next('call');
    expect([first.method, second.method]).toEqual(['getSettings', 'getBackup']);
    expect(second.input).toEqual({ backupId: 'x' });
    const error = { code: 'not-configured' as const, message: 'Backup is not configured.', remediation: 'Configure it.' };
    host.post({ kind: 'result', id: second.id, result: { ok: false, error } });
    host.post({ kind: 'result', id: first.id, result: { ok: true, value: { configured: false } } });
    expect(await backups).toEqual({ ok: false, error });
    expect(await settings).toEqual({ ok: true, value: { configured: false } });
  });

  it("answers the engine's safeStorage requests with Electron's safeStorage, and a failure as a message", async () => {
    const { forker, safeStorage } = setUp();
    const host = hostSide(forker.latest);
    host.post({ kind: 'main-call', id: 1, name: 'encryptWithSafeStorage', input: { plainText: 'data-key' } });
    const encrypted = await host.next('main-reply');
    expect(encrypted).toMatchObject({ id: 1, result: { ok: true } });
    expect(safeStorage.encrypted).toEqual(['data-key']);
    const cipherBase64 = (encrypted.result as { ok: true; value: { cipherBase64: string } }).value.cipherBase64;
    host.post({ kind: 'main-call', id: 2, name: 'decryptWithSafeStorage', input: { cipherBase64 } });
    expect(await host.next('main-reply')).toEqual({ kind: 'main-reply', id: 2, result: { ok: true, value: { plainText: 'data-key' } } });
    host.post({ kind: 'main-call', id: 3, name: 'decryptWithSafeStorage', input: { cipherBase64: 'AAAA' } });
    expect(await host.next('main-reply')).toMatchObject({ id: 3, result: { ok: false, message: expect.stringContaining('decrypting') } });
  });

  it('passes engine events to listeners and alerts to the desktop notifier', async () => {
    const { forker, events, notified } = setUp();
    const host = hostSide(forker.latest);
    const alert: Alert = { id: 'a', kind: 'path', severity: 'critical', title: 'Path', remediation: 'Fix it.', raisedAt: 'now' };
    host.post({ kind: 'event', event: { type: 'alerts-changed', alerts: [alert] } });
    host.post({ kind: 'notify', alert });
    host.post({ kind: 'ready' });
    await settle();
    expect(notified).toEqual([alert]);
    expect(events).toEqual([{ type: 'alerts-changed', alerts: [alert] }]);
  });

  it('a crash answers pending calls with a typed error, starts a new process, and says so once the new engine is ready', async () => {
    const { forker, connection, events } = setUp();
    const first = hostSide(forker.latest);
    first.post({ kind: 'ready' });
    first.post({ kind: 'event', event: { type: 'job-progress', progress: progress('20261124T100000Z-abcdef') } });
    const pending = connection.call('listBackups');
    await first.next('call');
    forker.latest.exit(137);
    expect(await pending).toEqual({ ok: false, error: ENGINE_TEXTS.stoppedBeforeAnswer });
    expect(forker.children).toHaveLength(2);
    const second = hostSide(forker.latest);
    await second.next('start');
    expect(events.some((event) => event.type === 'engine-restarted')).toBe(false);
    // calls made during the restart go to the new process
    const after = connection.call('getSettings');
    const call = await second.next('call');
    second.post({ kind: 'ready' });
    second.post({ kind: 'result', id: call.id, result: { ok: true, value: 'fresh' } });
    expect(await after).toEqual({ ok: true, value: 'fresh' });
    const restarted = events.filter((event) => event.type === 'engine-restarted');
    expect(restarted).toEqual([
      { type: 'engine-restarted', notice: ENGINE_TEXTS.restarted, interruptedBackupId: '20261124T100000Z-abcdef' },
    ]);
    // it is part of the contract like every engine event
    expect(apiEvent.parse(restarted[0])).toEqual(restarted[0]);
  });

  it('a job that finished before the crash is not reported as interrupted', async () => {
    const { forker, events } = setUp();
    const first = hostSide(forker.latest);
    first.post({ kind: 'ready' });
    first.post({ kind: 'event', event: { type: 'job-progress', progress: progress('20261124T100000Z-abcdef') } });
    first.post({ kind: 'event', event: { type: 'job-finished', jobId: 'j', backup: null, error: null } });
    await settle();
    expect(events).toHaveLength(2);
    forker.latest.exit(1);
    await settle();
    expect(forker.children).toHaveLength(2);
    hostSide(forker.latest).post({ kind: 'ready' });
    await settle();
    expect(events.at(-1)).toMatchObject({ type: 'engine-restarted', interruptedBackupId: null });
  });

  it('stops restarting an engine that dies before it is ready, and calls then say it cannot start', async () => {
    const { forker, connection } = setUp({ maxFailedStarts: 3 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(forker.children).toHaveLength(attempt);
      forker.latest.exit(1);
      await settle();
    }
    expect(forker.children).toHaveLength(3);
    expect(await connection.call('getSettings')).toEqual({ ok: false, error: ENGINE_TEXTS.unavailable });
  });

  it('a ready engine resets the count of failed starts', async () => {
    const { forker } = setUp({ maxFailedStarts: 2 });
    forker.latest.exit(1);
    await settle();
    hostSide(forker.latest).post({ kind: 'ready' });
    await settle();
    forker.latest.exit(1);
    await settle();
    expect(forker.children).toHaveLength(3);
  });

  it('forwards power resume to the engine', async () => {
    const { forker, connection } = setUp();
    const host = hostSide(forker.latest);
    connection.resumeFromSleep();
    expect(await host.next('resume')).toEqual({ kind: 'resume' });
  });

  it('shutdown asks the engine to stop, ends its process once it has, and does not restart it', async () => {
    const { forker, connection } = setUp();
    const host = hostSide(forker.latest);
    host.post({ kind: 'ready' });
    let done = false;
    const stopped = connection.shutdown().then(() => (done = true));
    await host.next('shutdown');
    expect(forker.latest.killed).toBe(0);
    expect(done).toBe(false);
    host.post({ kind: 'stopped' });
    await stopped;
    expect(forker.latest.killed).toBe(1);
    expect(forker.children).toHaveLength(1);
    expect(await connection.call('getSettings')).toEqual({ ok: false, error: ENGINE_TEXTS.stopping });
  });

  it('shutdown ends an engine that does not stop within the grace period', async () => {
    vi.useFakeTimers();
    const { forker, connection } = setUp({ shutdownGraceMs: 5_000 });
    const stopped = connection.shutdown();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(forker.latest.killed).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(forker.latest.killed).toBe(1);
    await stopped;
    expect(forker.children).toHaveLength(1);
  });
});
