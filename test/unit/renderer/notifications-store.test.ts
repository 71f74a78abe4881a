import { beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryStatus, NotificationsView } from '../../../preload/api';
import { useNotificationsStore } from '../../../renderer/src/stores/notifications';
import { freshStores, type FakeTransport } from './fake-transport';

const never: DeliveryStatus = { state: 'never', lastAttemptAt: null, lastDeliveredAt: null, lastError: null, pending: 0 };
const VIEW: NotificationsView = {
  email: {
    enabled: true,
    host: 'smtp.contoso.com',
    port: 587,
    security: 'starttls',
    username: 'backup',
    passwordSet: true,
    from: 'backup@contoso.com',
    to: ['ops@contoso.com', 'oncall@contoso.com'],
    mode: 'daily-digest',
    digestAt: '07:30',
    caPemSet: true,
  },
  webhook: null,
  systemLog: { enabled: true, target: 'syslog' },
  status: { email: never, webhook: never, 'system-log': never },
};

describe('notifications store', () => {
  let engine: FakeTransport;
  beforeEach(() => {
    engine = freshStores();
  });

  it('shows the stored settings with the secrets empty, and saving keeps what was left empty', async () => {
    engine.answer('getNotifications', () => VIEW).answer('setEmailNotifications', () => VIEW);
    const store = useNotificationsStore();
    await store.show();
    expect(store.email).toMatchObject({
      to: 'ops@contoso.com, oncall@contoso.com',
      password: '',
      caPem: '',
      digest: true,
      digestAt: '07:30',
    });
    store.email.to = 'ops@contoso.com;  noc@contoso.com ,';
    await store.saveEmail();
    expect(engine.inputsOf('setEmailNotifications')).toEqual([
      {
        enabled: true,
        host: 'smtp.contoso.com',
        port: 587,
        security: 'starttls',
        username: 'backup',
        from: 'backup@contoso.com',
        to: ['ops@contoso.com', 'noc@contoso.com'],
        mode: 'daily-digest',
        digestAt: '07:30',
      },
    ]);
    expect(store.saved).toBe('email');
  });

  it('puts a refused field’s message with that channel, and Send test’s results per channel', async () => {
    engine
      .answer('getNotifications', () => VIEW)
      .fail('setWebhookNotifications', { code: 'invalid-input', field: 'url', message: 'Webhook URL must use https://.' })
      .answer('testNotifications', () => [
        { channel: 'email', ok: true, message: 'Sent.' },
        { channel: 'system-log', ok: false, message: 'No socket.' },
      ]);
    const store = useNotificationsStore();
    await store.show();
    store.webhook.url = 'http://hooks.contoso.com';
    store.webhook.secret = 'a-secret-of-sixteen+';
    await store.saveWebhook();
    expect(store.errors.webhook?.field).toBe('url');
    expect(engine.inputsOf('setWebhookNotifications')[0]).toMatchObject({ secret: 'a-secret-of-sixteen+', mode: 'immediate' });
    await store.sendTest();
    expect(store.testResults?.map((r) => [r.channel, r.ok])).toEqual([
      ['email', true],
      ['system-log', false],
    ]);
  });
});
