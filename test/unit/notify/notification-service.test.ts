import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../preload/api';
import { NotificationService, COALESCE_MS, RETRY_DELAYS_MS } from '../../../main/engine/notify/notification-service';
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
  async write(entries: readonly SystemLogEntry[]): Promise<void> {
    this.attempts++;
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

  beforeEach(async () => {
    temp = await makeTempDir();
    clock = new FakeClock('2026-11-29T10:00:00.000Z');
    log = new RecordingLog();
    service = new NotificationService({
      configDir: temp.path,
      clock,
      logger: createLogger({ level: 'silent' }),
      secrets: new KeyFileSecretStore(temp.path),
      identity: { productName: 'Infrastructure Backup Console', version: 'test', station: 'station01' },
      systemLog: log,
    });
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
