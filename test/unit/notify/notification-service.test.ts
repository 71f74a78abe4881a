import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../preload/api';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotificationService, CLOSE_WAIT_MS, COALESCE_MS, RETRY_DELAYS_MS } from '../../../main/engine/notify/notification-service';
import type { SystemLog, SystemLogEntry } from '../../../main/engine/notify/system-log';
import { AlertCenter, memoryAlertStore } from '../../../main/engine/alerts';
import { KeyFileSecretStore } from '../../../main/engine/secrets';
import { createLogger } from '../../../main/engine/app/logger';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

const alert = (kind: Alert['kind'], severity: Alert['severity'] = 'critical'): Alert => ({
  id: `${kind}@2026-11-29T10:00:00.000Z`,
  kind,
  severity,
  title: `${kind} title`,
  remediation: `${kind} remediation`,
  raisedAt: '2026-11-29T10:00:00.000Z',
});

/** A system log that records each write (one write = one delivered message) and fails as scripted. */
class RecordingLog implements SystemLog {
  readonly target = 'syslog' as const;
  writes: SystemLogEntry[][] = [];
  attempts = 0;
  failNext = 0;
  hang: Promise<void> | null = null;
  private attempted: (() => void) | null = null;
  /** Resolves at the next attempt's start. */
  nextAttempt(): Promise<void> {
    return new Promise((resolve) => (this.attempted = resolve));
  }
  async write(entries: readonly SystemLogEntry[]): Promise<void> {
    this.attempts++;
    this.attempted?.();
    if (this.hang) await this.hang;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('the log daemon is away');
    }
    this.writes.push([...entries]);
  }
}

describe('NotificationService', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let clock: FakeClock;
  let log: RecordingLog;
  let service: NotificationService;

  /** A console process: its own pid; the pids in `gone` have ended. */
  const consoleProcess = (processId: number, gone: ReadonlySet<number> = new Set()): NotificationService =>
    new NotificationService({
      configDir: temp.path,
      clock,
      logger: createLogger({ level: 'silent' }),
      secrets: new KeyFileSecretStore(temp.path),
      identity: { productName: 'Infrastructure Backup Console', version: 'test', station: 'station01' },
      systemLog: log,
      processId,
      isGone: (pid) => gone.has(pid),
    });
  const outbox = async (): Promise<unknown[]> =>
    (JSON.parse(await readFile(join(temp.path, 'notify-state.json'), 'utf8')) as { outbox: unknown[] }).outbox;

  beforeEach(async () => {
    temp = await makeTempDir();
    clock = new FakeClock('2026-11-29T10:00:00.000Z');
    log = new RecordingLog();
    service = consoleProcess(1001);
    clock.settle = () => service.whenIdle();
  });
  afterEach(async () => {
    await service.close();
    await temp.remove();
  });

  it('writes each raise and close to the system log with the alert’s stable event id', async () => {
    service.alertsChanged([alert('connectivity')], []);
    await service.whenIdle();
    await clock.advance(COALESCE_MS);
    service.alertsChanged([], [alert('connectivity')]);
    await service.whenIdle();
    expect(log.writes.map((w) => w.map((e) => [e.eventId, e.level]))).toEqual([[[1002, 'error']], [[2002, 'information']]]);
    expect(log.writes[0]![0]!.message).toContain('connectivity remediation');
    expect((await service.view()).status['system-log']).toMatchObject({ state: 'delivered', pending: 0, lastError: null });
  });

  it('coalesces the changes of a minute into one message after the first went out at once', async () => {
    service.alertsChanged([alert('capacity')], []);
    await service.whenIdle();
    expect(log.writes).toHaveLength(1);
    service.alertsChanged([alert('path')], [alert('capacity')]);
    service.alertsChanged([alert('general')], []);
    await service.whenIdle();
    expect(log.writes).toHaveLength(1);
    expect((await service.view()).status['system-log'].pending).toBe(3);
    await clock.advance(COALESCE_MS - 1);
    expect(log.writes).toHaveLength(1);
    await clock.advance(1);
    expect(log.writes).toHaveLength(2);
    expect(log.writes[1]!.map((e) => e.eventId)).toEqual([2001, 1003, 1005]);
  });

  it('retries a failed delivery with back-off, then gives up and says so', async () => {
    log.failNext = 10;
    service.alertsChanged([alert('authentication')], []);
    await service.whenIdle();
    expect(log.attempts).toBe(1);
    expect((await service.view()).status['system-log']).toMatchObject({
      state: 'retrying',
      lastError: 'the log daemon is away',
      pending: 1,
    });
    for (const delay of RETRY_DELAYS_MS) {
      const before = log.attempts;
      await clock.advance(delay - 1);
      expect(log.attempts).toBe(before);
      await clock.advance(1);
      expect(log.attempts).toBe(before + 1);
    }
    expect((await service.view()).status['system-log']).toMatchObject({ state: 'failed', pending: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('delivers on a retry and records it', async () => {
    log.failNext = 1;
    service.alertsChanged([alert('authentication')], []);
    await service.whenIdle();
    await clock.advance(RETRY_DELAYS_MS[0]);
    expect(log.writes).toHaveLength(1);
    expect((await service.view()).status['system-log']).toMatchObject({ state: 'delivered', lastError: null });
  });

  it('sends what is still coalescing or waiting for a retry when the host closes', async () => {
    service.alertsChanged([alert('capacity')], []);
    await service.whenIdle();
    service.alertsChanged([], [alert('capacity')]);
    await service.close();
    expect(log.writes.map((w) => w.map((e) => e.eventId))).toEqual([[1001], [2001]]);
  });

  it('keeps what is coalescing when the process dies, and the next start sends it once', async () => {
    service.alertsChanged([alert('capacity')], []);
    await service.whenIdle();
    service.alertsChanged([alert('path')], []);
    await service.whenIdle();
    expect(log.writes).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ channel: 'system-log', owner: 1001, coalescing: true })]);
    // POSIX modes only: on Windows the profile's ACL protects the config folder.
    if (process.platform !== 'win32') expect(statSync(join(temp.path, 'notify-state.json')).mode & 0o777).toBe(0o600);
    // The process is killed: no close. While it still runs, another start leaves its messages alone.
    const meanwhile = consoleProcess(1002);
    await meanwhile.start(async () => []);
    await meanwhile.whenIdle();
    expect(log.writes).toHaveLength(1);
    expect((await meanwhile.view()).status['system-log'].pending).toBe(1);

    const next = consoleProcess(1003, new Set([1001]));
    await next.start(async () => []);
    await next.whenIdle();
    expect(log.writes.map((w) => w.map((e) => e.eventId))).toEqual([[1001], [1003]]);
    expect(await outbox()).toEqual([]);
    const another = consoleProcess(1004, new Set([1001, 1003]));
    await another.start(async () => []);
    await another.whenIdle();
    expect(log.writes).toHaveLength(2);
    await Promise.all([meanwhile.close(), next.close(), another.close()]);
  });

  it('a process that gets the same pid again (a container) sends what its predecessor left', async () => {
    log.failNext = 1;
    service.alertsChanged([alert('capacity')], []);
    await service.close();
    expect(await outbox()).toEqual([expect.objectContaining({ owner: 1001 })]);
    const samePid = consoleProcess(1001);
    await samePid.start(async () => []);
    await samePid.whenIdle();
    expect(log.writes.map((w) => w.map((e) => e.eventId))).toEqual([[1001]]);
    expect(await outbox()).toEqual([]);
    await samePid.close();
  });

  it('flushes at close; what cannot be sent then is kept, with its attempt, and sent at the next start', async () => {
    service.alertsChanged([alert('capacity')], []);
    await service.whenIdle();
    log.failNext = 1;
    service.alertsChanged([], [alert('capacity')]);
    await service.close();
    expect(log.attempts).toBe(2);
    expect(log.writes).toHaveLength(1);
    expect(await outbox()).toEqual([expect.objectContaining({ owner: 1001, coalescing: false, attempt: 2 })]);
    expect((await service.view()).status['system-log']).toMatchObject({ state: 'retrying', lastError: 'the log daemon is away' });

    const next = consoleProcess(1002, new Set([1001]));
    await next.start(async () => []);
    await next.whenIdle();
    expect(log.writes.map((w) => w.map((e) => e.eventId))).toEqual([[1001], [2001]]);
    expect(await outbox()).toEqual([]);
    expect((await next.view()).status['system-log']).toMatchObject({ state: 'delivered', pending: 0 });
    await next.close();
  });

  it('waits at most CLOSE_WAIT_MS at close for a channel that hangs; the message stays for the next start', async () => {
    clock.settle = null;
    log.hang = new Promise(() => undefined);
    const attempted = log.nextAttempt();
    service.alertsChanged([alert('general')], []);
    await attempted;
    let closed = false;
    const closing = service.close().then(() => (closed = true));
    await clock.advance(CLOSE_WAIT_MS - 1);
    expect(closed).toBe(false);
    await clock.advance(1);
    await closing;
    expect(await outbox()).toEqual([expect.objectContaining({ owner: 1001, attempt: 1 })]);

    log.hang = null;
    const next = consoleProcess(1002, new Set([1001]));
    await next.start(async () => []);
    await next.whenIdle();
    expect(log.writes.map((w) => w.map((e) => e.eventId))).toEqual([[1005]]);
    expect(await outbox()).toEqual([]);
    await next.close();
    service = next; // the first one's send never ends
  });

  it('is off when the operator switches the system log off', async () => {
    await service.setSystemLog({ enabled: false });
    service.alertsChanged([alert('capacity')], []);
    await service.whenIdle();
    expect(log.attempts).toBe(0);
  });

  it('never holds up the AlertCenter (and so a backup) while a channel hangs', async () => {
    let release = (): void => undefined;
    log.hang = new Promise((resolve) => (release = resolve));
    const center = new AlertCenter({ store: memoryAlertStore(), onTransitions: (r, c) => service.alertsChanged(r, c) });
    const update = await center.update({
      now: new Date('2026-11-29T10:00:00.000Z'),
      configured: true,
      lastRun: { state: 'Failed', finishedAt: '2026-11-29T09:59:00.000Z', category: 'connectivity' },
      lastSuccessAt: null,
      schedule: { enabled: true, disabledSince: null, frequencyHours: 12, anchor: null },
      retentionDays: 7,
      encryptionMode: 'certificate',
    });
    expect(update.raised.map((a) => a.kind)).toEqual(['connectivity']);
    expect(log.writes).toHaveLength(0);
    release();
    await service.whenIdle();
    expect(log.writes[0]!.map((e) => e.eventId)).toEqual([1002]);
  });
});
