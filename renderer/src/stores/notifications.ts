import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { NotificationsView, NotificationTestResult, NotifyChannel } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';

/** The email form as typed: recipients in one line, the password empty to keep the stored one. */
interface EmailForm {
  enabled: boolean;
  host: string;
  port: number | null;
  security: 'starttls' | 'tls';
  username: string;
  password: string;
  from: string;
  to: string;
  digest: boolean;
  digestAt: string;
  caPem: string;
}

interface WebhookForm {
  enabled: boolean;
  url: string;
  secret: string;
  digest: boolean;
  digestAt: string;
  caPem: string;
}

const emptyEmail = (): EmailForm => ({
  enabled: true,
  host: '',
  port: 587,
  security: 'starttls',
  username: '',
  password: '',
  from: '',
  to: '',
  digest: false,
  digestAt: '08:00',
  caPem: '',
});
const emptyWebhook = (): WebhookForm => ({ enabled: true, url: '', secret: '', digest: false, digestAt: '08:00', caPem: '' });

/** Who is told of alerts: email, webhook, system log — their settings (secrets write-only), last delivery, and Send test. */
export const useNotificationsStore = defineStore('notifications', () => {
  const open = ref(false);
  const view = ref<NotificationsView | null>(null);
  const loadError = ref<ApiCallError | null>(null);
  /** Which save or test is running. */
  const busy = ref<NotifyChannel | 'test' | null>(null);
  const errors = ref<Partial<Record<NotifyChannel, ApiCallError>>>({});
  const saved = ref<NotifyChannel | null>(null);
  const testResults = ref<NotificationTestResult | null>(null);
  const testError = ref<ApiCallError | null>(null);
  const email = reactive(emptyEmail());
  const webhook = reactive(emptyWebhook());

  function fill(next: NotificationsView): void {
    view.value = next;
    Object.assign(
      email,
      next.email
        ? {
            ...next.email,
            password: '',
            to: next.email.to.join(', '),
            digest: next.email.mode === 'daily-digest',
            caPem: '',
          }
        : emptyEmail(),
    );
    Object.assign(
      webhook,
      next.webhook ? { ...next.webhook, secret: '', digest: next.webhook.mode === 'daily-digest', caPem: '' } : emptyWebhook(),
    );
  }

  async function show(): Promise<void> {
    open.value = true;
    errors.value = {};
    saved.value = null;
    testResults.value = null;
    testError.value = null;
    await refresh();
  }

  async function refresh(): Promise<void> {
    try {
      fill(await useApi().call('getNotifications'));
      loadError.value = null;
    } catch (caught) {
      loadError.value = asApiError(caught);
    }
  }

  async function run(channel: NotifyChannel, action: () => Promise<NotificationsView>): Promise<void> {
    busy.value = channel;
    saved.value = null;
    errors.value = { ...errors.value, [channel]: undefined };
    try {
      fill(await action());
      saved.value = channel;
    } catch (caught) {
      errors.value = { ...errors.value, [channel]: asApiError(caught) };
    } finally {
      busy.value = null;
    }
  }

  const saveEmail = (): Promise<void> =>
    run('email', () =>
      useApi().call('setEmailNotifications', {
        enabled: email.enabled,
        host: email.host,
        port: email.port ?? 587,
        security: email.security,
        username: email.username,
        ...(email.password ? { password: email.password } : {}),
        from: email.from,
        to: email.to.split(/[\s,;]+/).filter((address) => address !== ''),
        mode: email.digest ? 'daily-digest' : 'immediate',
        digestAt: email.digestAt,
        ...(email.caPem.trim() ? { caPem: email.caPem } : {}),
      }),
    );

  const saveWebhook = (): Promise<void> =>
    run('webhook', () =>
      useApi().call('setWebhookNotifications', {
        enabled: webhook.enabled,
        url: webhook.url,
        ...(webhook.secret ? { secret: webhook.secret } : {}),
        mode: webhook.digest ? 'daily-digest' : 'immediate',
        digestAt: webhook.digestAt,
        ...(webhook.caPem.trim() ? { caPem: webhook.caPem } : {}),
      }),
    );

  const setSystemLog = (enabled: boolean): Promise<void> =>
    run('system-log', () => useApi().call('setSystemLogNotifications', { enabled }));

  async function sendTest(): Promise<void> {
    busy.value = 'test';
    testResults.value = null;
    testError.value = null;
    try {
      testResults.value = await useApi().call('testNotifications', {});
    } catch (caught) {
      testError.value = asApiError(caught);
    } finally {
      busy.value = null;
      await refresh();
    }
  }

  return {
    open,
    view,
    loadError,
    busy,
    errors,
    saved,
    testResults,
    testError,
    email,
    webhook,
    show,
    saveEmail,
    saveWebhook,
    setSystemLog,
    sendTest,
  };
});
