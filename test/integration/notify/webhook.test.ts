import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { dispatch } from '../../../main/engine/dispatch';
import { createLogger } from '../../../main/engine/app/logger';
import type { SystemLog } from '../../../main/engine/notify';
import { NotificationService, RETRY_DELAYS_MS } from '../../../main/engine/notify/notification-service';
import { KeyFileSecretStore } from '../../../main/engine/secrets';
import type { Alert, ApiInput, ApiMethod, ApiOutput } from '../../../preload/api';
import { testCertificate } from '../../support/backup-fixtures';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';
import { makeTestPki, type TestPki } from '../../support/stamp-mock/test-pki';
import { startWebhookReceiver, verifyWebhook } from '../../support/https-receiver';

const startReceiver = (pki: TestPki, clock: FakeClock) => startWebhookReceiver(pki, SECRET, () => Math.floor(clock.now().getTime() / 1000));
const verify = (...args: [Parameters<typeof verifyWebhook>[1], string, number]) => verifyWebhook(SECRET, ...args);

const SECRET = 'whsec-0123456789abcdef-test';
const quietLog: SystemLog = { target: 'syslog', write: async () => undefined };

describe('webhook notifications reach a real HTTPS receiver, signed', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let pki: TestPki;
  let clock: FakeClock;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let engine: Engine;

  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const result = await dispatch(engine, method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value;
  }

  beforeAll(async () => {
    temp = await makeTempDir();
    pki = makeTestPki();
    clock = new FakeClock(new Date());
    receiver = await startReceiver(pki, clock);
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
      clock,
      systemLog: quietLog,
    });
    clock.settle = () => engine.whenIdle();
    await mkdir(join(temp.path, 'share'));
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.whenIdle();
  });
  beforeEach(() => {
    receiver.deliveries.length = 0;
    receiver.statuses.length = 0;
  });
  afterAll(async () => {
    await engine?.close();
    await receiver?.close();
    await temp?.remove();
  });

  it('posts the documented payload for a real alert, with a signature the receiver verifies', async () => {
    const view = await call('setWebhookNotifications', { enabled: true, url: receiver.url, secret: SECRET, caPem: pki.caPem });
    expect(view.webhook).toMatchObject({ secretSet: true, url: receiver.url });
    expect(JSON.stringify(view)).not.toContain(SECRET);

    await engine.setAutomaticBackups({ enabled: false });
    await engine.whenIdle();
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers['content-type']).toBe('application/json; charset=utf-8');
    const payload = JSON.parse(delivery!.rawBody) as Record<string, unknown>;
    expect(payload).toMatchObject({
      version: 1,
      type: 'alerts',
      id: delivery!.headers['x-ibc-delivery'],
      console: { product: 'Infrastructure Backup Console', version: 'test' },
      events: [
        {
          transition: 'raised',
          alert: { kind: 'automatic-backups-disabled', severity: 'informational', eventId: 1006 },
        },
      ],
      activeAlerts: [],
    });

    // A receiver rejects a tampered body and a replay outside the five minutes.
    expect(verify(delivery!.headers, delivery!.rawBody.replace('raised', 'closed'), Math.floor(clock.now().getTime() / 1000))).toBe(false);
    expect(verify(delivery!.headers, delivery!.rawBody, Math.floor(clock.now().getTime() / 1000) + 301)).toBe(false);
  });

  it('retries a refused delivery with back-off, with the same delivery id and a fresh signature', async () => {
    receiver.statuses.push(503);
    await clock.advance(60_000);
    await engine.setAutomaticBackups({ enabled: true });
    await engine.whenIdle();
    expect(receiver.deliveries).toHaveLength(1);
    expect((await engine.getNotifications()).status.webhook).toMatchObject({
      state: 'retrying',
      lastError: 'The webhook receiver answered HTTP 503 Service Unavailable.',
      pending: 1,
    });
    await clock.advance(RETRY_DELAYS_MS[0]);
    await engine.whenIdle();
    expect(receiver.deliveries).toHaveLength(2);
    const [first, second] = receiver.deliveries;
    expect(second!.headers['x-ibc-delivery']).toBe(first!.headers['x-ibc-delivery']);
    expect(second!.headers['x-ibc-timestamp']).not.toBe(first!.headers['x-ibc-timestamp']);
    expect(second!.verified).toBe(true);
    expect(JSON.parse(second!.rawBody)).toMatchObject({ events: [{ transition: 'closed', alert: { eventId: 2006 } }] });
    expect((await engine.getNotifications()).status.webhook).toMatchObject({ state: 'delivered', lastError: null, pending: 0 });
  });

  it('Send test reports the receiver’s answer per channel', async () => {
    receiver.statuses.push(401);
    expect(await call('testNotifications', { channel: 'webhook' })).toEqual([
      { channel: 'webhook', ok: false, message: 'The webhook receiver answered HTTP 401 Unauthorized.' },
    ]);
    expect(await call('testNotifications', { channel: 'webhook' })).toEqual([
      { channel: 'webhook', ok: true, message: `Delivered to ${new URL(receiver.url).origin} (the receiver answered 2xx).` },
    ]);
    expect(JSON.parse(receiver.deliveries[1]!.rawBody)).toMatchObject({ type: 'test', events: [] });
  });

  it('refuses a plain http:// URL and a first setup without a secret', async () => {
    const plain = await dispatch(engine, 'setWebhookNotifications', { enabled: true, url: 'http://hooks.contoso.com/x', secret: SECRET });
    expect(plain.ok ? null : plain.error).toMatchObject({ code: 'invalid-input', field: 'url' });
  });
});

describe('the daily digest', () => {
  it('holds the day’s changes and sends them, with the active alerts, at the digest time', async () => {
    const temp = await makeTempDir();
    const pki = makeTestPki();
    const clock = new FakeClock(new Date(2026, 10, 29, 7, 0, 0));
    const receiver = await startReceiver(pki, clock);
    const secrets = new KeyFileSecretStore(temp.path);
    const service = new NotificationService({
      configDir: temp.path,
      clock,
      logger: createLogger({ level: 'silent' }),
      secrets,
      identity: { productName: 'Infrastructure Backup Console', version: 'test', station: 'station01' },
      systemLog: quietLog,
    });
    clock.settle = () => service.whenIdle();
    try {
      await service.setWebhook({
        enabled: true,
        url: receiver.url,
        secret: SECRET,
        mode: 'daily-digest',
        digestAt: '08:00',
        caPem: pki.caPem,
      });
      const active: Alert = {
        id: 'capacity@x',
        kind: 'capacity',
        severity: 'critical',
        title: 'The file share is full.',
        remediation: 'Add capacity.',
        raisedAt: clock.now().toISOString(),
      };
      await service.start(async () => [active]);
      service.alertsChanged([active], []);
      service.alertsChanged([], [{ ...active, kind: 'path', id: 'path@x' }]);
      await service.whenIdle();
      expect(receiver.deliveries).toHaveLength(0);
      expect((await service.view()).status.webhook.pending).toBe(2);

      await clock.advance(60 * 60_000 - 1);
      expect(receiver.deliveries).toHaveLength(0);
      await clock.advance(1);
      expect(receiver.deliveries).toHaveLength(1);
      const digest = JSON.parse(receiver.deliveries[0]!.rawBody) as { type: string; events: unknown[]; activeAlerts: unknown[] };
      expect(digest).toMatchObject({
        type: 'digest',
        events: [
          { transition: 'raised', alert: { kind: 'capacity', eventId: 1001 } },
          { transition: 'closed', alert: { kind: 'path', eventId: 2003 } },
        ],
        activeAlerts: [{ kind: 'capacity', eventId: 1001 }],
      });
      expect(receiver.deliveries[0]!.verified).toBe(true);

      // The next day's digest comes 24 hours later, with nothing new but what is still active.
      await clock.advance(24 * 60 * 60_000);
      expect(receiver.deliveries).toHaveLength(2);
      expect(JSON.parse(receiver.deliveries[1]!.rawBody)).toMatchObject({
        type: 'digest',
        events: [],
        activeAlerts: [{ kind: 'capacity' }],
      });
    } finally {
      await service.close();
      await receiver.close();
      await temp.remove();
    }
  });
});
