import { randomUUID } from 'node:crypto';
import type { Alert, DeliveryStatus, NotificationTestResult, NotificationsView, NotifyChannel } from '../../../preload/api';
import type { emailNotificationsInput, webhookNotificationsInput } from '../../../common/contract/notify';
import type { z } from 'zod';
import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../app/logger';
import type { SecretStore } from '../secrets/secret-store';
import { invalidInput, isEngineError } from '../errors';
import { registerSecret, scrubSecrets } from '../redact';
import { parseAddedRoots } from '../stamp/trust-roots';
import { PermanentDeliveryError, type NotificationChannel } from './channel';
import { emailChannel } from './email-channel';
import { webhookChannel } from './webhook-channel';
import { systemLogChannel, type SystemLog } from './system-log';
import type { AlertTransition, ConsoleIdentity, NotificationMessage } from './notification-message';
import { processIsGone } from '../process-alive';
import {
  DEFAULT_NOTIFY_SETTINGS,
  NOTIFY_SECRET_NAMES,
  notifySettingsFile,
  notifyStateFile,
  type OutboxEntry,
  type StoredNotifySettings,
  type StoredNotifyState,
} from './notify-files';

/** At most one message per channel per minute: changes within it travel together. */
export const COALESCE_MS = 60_000;
/** Waits before the 2nd, 3rd and 4th attempt; after the 4th the message is given up (status failed, logged). */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000] as const;
/** How long closing waits for what is still waiting to go out; what is not delivered by then is sent at the next start. */
export const CLOSE_WAIT_MS = 10_000;

const CHANNELS: readonly NotifyChannel[] = ['email', 'webhook', 'system-log'];
const NEVER: DeliveryStatus = { state: 'never', lastAttemptAt: null, lastDeliveredAt: null, lastError: null, pending: 0 };
const DAY_MS = 24 * 3_600_000;

export interface NotificationServiceDeps {
  configDir: string;
  clock: Clock;
  logger: Logger;
  secrets: SecretStore;
  identity: ConsoleIdentity;
  /** The system log of this station (syslog or the Windows Event Log). */
  systemLog: SystemLog;
  /** This process, as the owner of the outbox entries it delivers (default: process.pid). */
  processId?: number;
  /** Whether the process that owned an outbox entry has ended (default: processIsGone). */
  isGone?: (pid: number) => boolean;
}

/** The changes of one channel's current minute: they leave as one message with this id. */
interface Batch {
  id: string;
  events: AlertTransition[];
}

interface Retry {
  channel: NotifyChannel;
  message: NotificationMessage;
  attempt: number;
  timer: TimerHandle;
}

/**
 * Tells people of every alert raised or closed, by email, webhook and the
 * system log. The AlertCenter hands over its changes (any alert kind, present
 * or future) and returns at once: delivery runs detached and never blocks or
 * fails a backup. Per channel: the first change goes out at once, later ones
 * within COALESCE_MS travel together in one message; in daily-digest mode the
 * changes wait for the digest. A failed attempt is retried with back-off
 * (RETRY_DELAYS_MS), then given up; every outcome is logged (scrubbed) and
 * kept as the channel's status.
 *
 * Nothing waiting is lost when the host quits: every message not yet
 * delivered — still coalescing, in flight, or waiting for a retry — is in the
 * outbox (notify-state.json). Closing sends what is waiting at once and waits
 * at most CLOSE_WAIT_MS; what did not go out is sent by the next start of a
 * host that stays up (desktop, web, service).
 */
export class NotificationService {
  private readonly settingsFile;
  private readonly stateFile;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly batches = new Map<NotifyChannel, Batch>();
  private readonly flushTimers = new Map<NotifyChannel, TimerHandle>();
  private readonly lastSentMs = new Map<NotifyChannel, number>();
  private readonly retries = new Set<Retry>();
  private readonly digestTimers = new Map<NotifyChannel, TimerHandle>();
  /** Set by start(): the alerts active now, for the daily digest (only hosts that stay up send digests). */
  private activeAlerts: (() => Promise<Alert[]>) | null = null;
  private closed = false;
  /** Aborts the sends still running when closing has waited CLOSE_WAIT_MS. */
  private readonly stopSending = new AbortController();
  private readonly owner: number;

  constructor(private readonly deps: NotificationServiceDeps) {
    const warn = (notice: string): void => deps.logger.warn(notice);
    this.settingsFile = notifySettingsFile(deps.configDir, warn);
    this.stateFile = notifyStateFile(deps.configDir, warn);
    this.owner = deps.processId ?? process.pid;
  }

  // ───────────── alert changes ─────────────

  /** Called by the AlertCenter after each update that raised or closed alerts. Never throws, never waits. */
  alertsChanged(raised: readonly Alert[], closed: readonly Alert[]): void {
    if (this.closed || (raised.length === 0 && closed.length === 0)) return;
    const at = this.deps.clock.now().toISOString();
    const events: AlertTransition[] = [
      ...closed.map((alert) => ({ transition: 'closed' as const, at, alert })),
      ...raised.map((alert) => ({ transition: 'raised' as const, at, alert })),
    ];
    this.track(this.route(events));
  }

  private async route(events: AlertTransition[]): Promise<void> {
    const settings = await this.settings();
    for (const channel of CHANNELS) {
      const config = this.channelConfig(settings, channel);
      if (!config?.enabled) continue;
      if (config.mode === 'daily-digest')
        await this.mutateState((state) => (state.digest[channel] = [...(state.digest[channel] ?? []), ...events]));
      else this.enqueue(channel, events);
    }
  }

  /** Leading edge: a quiet channel sends at once; otherwise the batch leaves when the minute since the last send is over. */
  private enqueue(channel: NotifyChannel, events: AlertTransition[]): void {
    const batch = this.batches.get(channel) ?? { id: randomUUID(), events: [] };
    batch.events.push(...events);
    this.batches.set(channel, batch);
    const pending = this.message('alerts', [...batch.events], [], batch.id);
    this.track(this.keep(channel, pending, { coalescing: true, attempt: 1 }));
    if (this.flushTimers.has(channel)) return;
    const last = this.lastSentMs.get(channel);
    const wait = last === undefined ? 0 : Math.max(0, last + COALESCE_MS - this.deps.clock.elapsedMs());
    if (wait === 0) this.flush(channel);
    else
      this.flushTimers.set(
        channel,
        this.deps.clock.setTimer(wait, () => this.flush(channel)),
      );
  }

  private flush(channel: NotifyChannel): void {
    this.flushTimers.delete(channel);
    const batch = this.batches.get(channel);
    this.batches.delete(channel);
    if (!batch || batch.events.length === 0) return;
    this.lastSentMs.set(channel, this.deps.clock.elapsedMs());
    const message = this.message('alerts', batch.events, [], batch.id);
    this.track(this.keep(channel, message, { coalescing: false, attempt: 1 }).then(() => this.deliver(channel, message, 1)));
  }

  // ───────────── the outbox (notify-state.json) ─────────────

  /** Writes (or updates) this message's outbox entry, held by this process. */
  private keep(channel: NotifyChannel, message: NotificationMessage, entry: { coalescing: boolean; attempt: number }): Promise<void> {
    return this.mutateState((state) => {
      const kept: OutboxEntry = { channel, owner: this.owner, ...entry, message };
      const index = state.outbox.findIndex((e) => e.channel === channel && e.message.id === message.id);
      if (index === -1) state.outbox.push(kept);
      else state.outbox[index] = kept;
    });
  }

  /** Takes over the messages of processes that ended before delivering them, and sends them now. */
  private async resumeOutbox(): Promise<void> {
    const isGone = this.deps.isGone ?? processIsGone;
    const taken: OutboxEntry[] = [];
    const now = this.deps.clock.now().toISOString();
    await this.mutateState((state) => {
      for (const entry of state.outbox) {
        if (entry.owner === this.owner || !isGone(entry.owner)) continue;
        entry.owner = this.owner;
        // Its minute ended with its process: it leaves now.
        if (entry.coalescing) entry.message = { ...entry.message, createdAt: now };
        entry.coalescing = false;
        taken.push(structuredClone(entry));
      }
    });
    if (taken.length > 0) this.deps.logger.info({ messages: taken.length }, 'notifications left by a console that quit are sent now');
    for (const entry of taken) this.track(this.deliver(entry.channel, entry.message, entry.attempt));
  }

  // ───────────── delivery ─────────────

  private message(
    type: NotificationMessage['type'],
    events: AlertTransition[],
    activeAlerts: Alert[],
    id: string = randomUUID(),
  ): NotificationMessage {
    return { type, id, createdAt: this.deps.clock.now().toISOString(), events, activeAlerts };
  }

  /**
   * One attempt; on failure a retry is scheduled unless this was the last
   * attempt or retrying cannot help. While the host is closing, a failure is
   * kept in the outbox for the next start instead.
   */
  private async deliver(channel: NotifyChannel, message: NotificationMessage, attempt: number): Promise<void> {
    const error = await this.attempt(channel, message);
    if (error === null) return;
    const delay = RETRY_DELAYS_MS[attempt - 1];
    const worthRetrying = delay !== undefined && !(error instanceof PermanentDeliveryError);
    const retry = worthRetrying && !this.closed;
    await this.record(channel, message.id, error, worthRetrying ? attempt + 1 : null);
    this.deps.logger.warn(
      { channel, messageId: message.id, attempt, cause: scrubSecrets(describe(error)) },
      retry
        ? `notification by ${channel} failed; retrying in ${(delay ?? 0) / 1000} s`
        : worthRetrying
          ? `notification by ${channel} failed while closing; kept, to be sent at the next start`
          : `notification by ${channel} failed; given up`,
    );
    if (!retry || delay === undefined) return;
    const entry: Retry = {
      channel,
      message,
      attempt: attempt + 1,
      timer: this.deps.clock.setTimer(delay, () => {
        this.retries.delete(entry);
        this.track(this.deliver(channel, message, attempt + 1));
      }),
    };
    this.retries.add(entry);
  }

  /** Sends once with the channel as configured now; the outcome is recorded. Returns the failure, or null. */
  private async attempt(channel: NotifyChannel, message: NotificationMessage, evenIfDisabled = false): Promise<Error | null> {
    const sender = this.channelFor(await this.settings(), channel, evenIfDisabled);
    if (!sender) {
      await this.forget(channel, message.id); // switched off since: nothing to deliver
      return null;
    }
    try {
      await sender.send(message, AbortSignal.any([AbortSignal.timeout(60_000), this.stopSending.signal]));
      await this.record(channel, message.id, null, null);
      this.deps.logger.info({ channel, messageId: message.id, type: message.type }, `notification delivered by ${channel}`);
      return null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * An attempt's outcome, in one write with the outbox: delivered or given up
   * (`nextAttempt` null) removes the message; otherwise it waits for attempt `nextAttempt`.
   */
  private async record(channel: NotifyChannel, messageId: string, error: Error | null, nextAttempt: number | null): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    await this.mutateState((state) => {
      const previous = state.status[channel] ?? NEVER;
      state.status[channel] =
        error === null
          ? { ...previous, state: 'delivered', lastAttemptAt: at, lastDeliveredAt: at, lastError: null }
          : { ...previous, state: nextAttempt !== null ? 'retrying' : 'failed', lastAttemptAt: at, lastError: scrubSecrets(error.message) };
      const index = state.outbox.findIndex((e) => e.channel === channel && e.message.id === messageId);
      if (index === -1) return;
      if (error === null || nextAttempt === null) state.outbox.splice(index, 1);
      else state.outbox[index] = { ...state.outbox[index]!, owner: this.owner, attempt: nextAttempt };
    });
  }

  private forget(channel: NotifyChannel, messageId: string): Promise<void> {
    return this.mutateState((state) => {
      state.outbox = state.outbox.filter((e) => !(e.channel === channel && e.message.id === messageId));
    });
  }

  // ───────────── daily digest ─────────────

  private async scheduleDigests(): Promise<void> {
    for (const timer of this.digestTimers.values()) timer.cancel();
    this.digestTimers.clear();
    if (!this.activeAlerts || this.closed) return;
    const settings = await this.settings();
    for (const channel of CHANNELS) {
      const config = this.channelConfig(settings, channel);
      if (!config?.enabled || config.mode !== 'daily-digest') continue;
      const wait = msUntilLocalTime(this.deps.clock.now(), config.digestAt);
      this.digestTimers.set(
        channel,
        this.deps.clock.setTimer(wait, () => this.track(this.sendDigest(channel).then(() => this.scheduleDigests()))),
      );
    }
  }

  private async sendDigest(channel: NotifyChannel): Promise<void> {
    const activeAlerts = (await this.activeAlerts?.()) ?? [];
    let message: NotificationMessage | null = null;
    // The day's changes move from the digest into the outbox in one write.
    await this.mutateState((state) => {
      message = this.message('digest', state.digest[channel] ?? [], activeAlerts);
      state.digest[channel] = [];
      state.outbox.push({ channel, owner: this.owner, coalescing: false, attempt: 1, message });
    });
    if (message) await this.deliver(channel, message, 1);
  }

  // ───────────── the contract's methods ─────────────

  async view(): Promise<NotificationsView> {
    const settings = await this.settings();
    const state = await this.state();
    const pendingOf = (channel: NotifyChannel): number =>
      (this.batches.get(channel)?.events.length ?? 0) +
      [...this.retries].filter((r) => r.channel === channel).length +
      (state.digest[channel]?.length ?? 0) +
      // Left by a console that quit: sent at the next start of one that stays up.
      state.outbox.filter((e) => e.channel === channel && e.owner !== this.owner).length;
    const status = Object.fromEntries(CHANNELS.map((c) => [c, { ...(state.status[c] ?? NEVER), pending: pendingOf(c) }])) as Record<
      NotifyChannel,
      DeliveryStatus
    >;
    const { email, webhook } = settings;
    return {
      email: email
        ? {
            enabled: email.enabled,
            host: email.host,
            port: email.port,
            security: email.security,
            username: email.username,
            passwordSet: this.deps.secrets.has(NOTIFY_SECRET_NAMES.smtpPassword),
            from: email.from,
            to: [...email.to],
            mode: email.mode,
            digestAt: email.digestAt,
            caPemSet: email.caPem.trim() !== '',
          }
        : null,
      webhook: webhook
        ? {
            enabled: webhook.enabled,
            url: webhook.url,
            secretSet: this.deps.secrets.has(NOTIFY_SECRET_NAMES.webhookSecret),
            mode: webhook.mode,
            digestAt: webhook.digestAt,
            caPemSet: webhook.caPem.trim() !== '',
          }
        : null,
      systemLog: { enabled: settings.systemLog.enabled, target: this.deps.systemLog.target },
      status,
    };
  }

  async setEmail(input: z.output<typeof emailNotificationsInput>): Promise<NotificationsView> {
    registerSecret(input.password);
    if (input.caPem?.trim()) checkAddedRoots(input.caPem);
    const hasPassword = this.deps.secrets.has(NOTIFY_SECRET_NAMES.smtpPassword);
    if (input.username && input.password === undefined && !hasPassword)
      throw invalidInput('password', 'The SMTP password is required with a user name.', 'Give the password of the SMTP account.');
    if (input.password !== undefined && input.password.length === 0)
      throw invalidInput('password', 'The SMTP password is empty.', 'Give the password of the SMTP account, or clear the user name.');
    const { password, caPem, ...rest } = input;
    const email = { ...rest, caPem: caPem ?? (await this.settings()).email?.caPem ?? '' };
    if (!input.username) this.deps.secrets.delete(NOTIFY_SECRET_NAMES.smtpPassword);
    else if (password !== undefined) this.deps.secrets.set(NOTIFY_SECRET_NAMES.smtpPassword, password);
    await this.saveSettings((s) => ({ ...s, email }));
    return this.view();
  }

  async setWebhook(input: z.output<typeof webhookNotificationsInput>): Promise<NotificationsView> {
    registerSecret(input.secret);
    if (input.caPem?.trim()) checkAddedRoots(input.caPem);
    if (input.secret === undefined && !this.deps.secrets.has(NOTIFY_SECRET_NAMES.webhookSecret))
      throw invalidInput(
        'secret',
        'The webhook signing secret is required the first time.',
        'Give a random secret of at least 16 characters (e.g. `openssl rand -hex 32`); the receiver verifies signatures with it.',
      );
    const { secret, caPem, ...rest } = input;
    const webhook = { ...rest, caPem: caPem ?? (await this.settings()).webhook?.caPem ?? '' };
    if (secret !== undefined) this.deps.secrets.set(NOTIFY_SECRET_NAMES.webhookSecret, secret);
    await this.saveSettings((s) => ({ ...s, webhook }));
    return this.view();
  }

  async setSystemLog(input: { enabled: boolean }): Promise<NotificationsView> {
    await this.saveSettings((s) => ({ ...s, systemLog: { enabled: input.enabled } }));
    return this.view();
  }

  /** "Send test": one attempt now on each channel asked (default: every enabled one), bypassing coalescing and digests. */
  async test(input: { channel?: NotifyChannel } | undefined): Promise<NotificationTestResult> {
    const settings = await this.settings();
    const channels = input?.channel ? [input.channel] : CHANNELS.filter((c) => this.channelConfig(settings, c)?.enabled);
    if (channels.length === 0)
      throw invalidInput(
        'channel',
        'No notification channel is enabled.',
        'Set up email or a webhook, or enable the system log, then send a test.',
      );
    const results: NotificationTestResult = [];
    for (const channel of channels) {
      const config = this.channelConfig(settings, channel);
      if (!config) {
        results.push({ channel, ok: false, message: `${label(channel)} is not set up yet.` });
        continue;
      }
      const message = this.message('test', [], []);
      const error = await this.attempt(channel, message, true);
      if (error) await this.record(channel, message.id, error, null);
      results.push({ channel, ok: error === null, message: error ? scrubSecrets(error.message) : this.deliveredText(settings, channel) });
    }
    return results;
  }

  // ───────────── lifecycle ─────────────

  /**
   * Hosts that stay up: the daily digests run, listing the alerts `activeAlerts`
   * gives, and what a console that quit left in the outbox is sent.
   */
  async start(activeAlerts: () => Promise<Alert[]>): Promise<void> {
    this.activeAlerts = activeAlerts;
    await this.scheduleDigests();
    await this.resumeOutbox();
  }

  /**
   * Stops the timers and sends what is still waiting — coalesced changes and
   * retries — once, now, so a quitting host or a one-shot command does not
   * take them with it; waits at most CLOSE_WAIT_MS, then stops the sends
   * still running. What was not delivered stays in the outbox for the next
   * start. Digest events stay stored for the next digest.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.digestTimers.values()) timer.cancel();
    this.digestTimers.clear();
    const sendWhatIsWaiting = async (): Promise<void> => {
      await this.whenIdle();
      for (const channel of [...this.flushTimers.keys()]) {
        this.flushTimers.get(channel)?.cancel();
        this.flush(channel);
      }
      for (const retry of [...this.retries]) {
        retry.timer.cancel();
        this.retries.delete(retry);
        this.track(this.deliver(retry.channel, retry.message, retry.attempt));
      }
      await this.whenIdle();
    };
    let deadline: TimerHandle | null = null;
    const outOfTime = new Promise<'out-of-time'>((resolve) => {
      deadline = this.deps.clock.setTimer(CLOSE_WAIT_MS, () => resolve('out-of-time'));
    });
    const outcome = await Promise.race([sendWhatIsWaiting().then(() => 'sent' as const), outOfTime]);
    (deadline as TimerHandle | null)?.cancel();
    if (outcome === 'out-of-time') {
      this.deps.logger.warn(`notifications not delivered within ${CLOSE_WAIT_MS / 1000} s of closing are sent at the next start`);
      this.stopSending.abort();
      // What the outbox holds is already written; a channel that ignores the abort is not waited for.
      await this.chain;
    }
  }

  /** Resolves when no delivery is running (timers may still be waiting). */
  async whenIdle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await this.chain;
  }

  // ───────────── helpers ─────────────

  private channelConfig(settings: StoredNotifySettings, channel: NotifyChannel) {
    switch (channel) {
      case 'email':
        return settings.email;
      case 'webhook':
        return settings.webhook;
      case 'system-log':
        return { enabled: settings.systemLog.enabled, mode: 'immediate' as const, digestAt: '' };
    }
  }

  private channelFor(settings: StoredNotifySettings, channel: NotifyChannel, evenIfDisabled = false): NotificationChannel | null {
    const { secrets, identity, clock, systemLog } = this.deps;
    switch (channel) {
      case 'email':
        return settings.email && (settings.email.enabled || evenIfDisabled)
          ? emailChannel(settings.email, () => secrets.get(NOTIFY_SECRET_NAMES.smtpPassword), identity)
          : null;
      case 'webhook':
        return settings.webhook && (settings.webhook.enabled || evenIfDisabled)
          ? webhookChannel(
              settings.webhook,
              () => secrets.get(NOTIFY_SECRET_NAMES.webhookSecret),
              identity,
              () => Math.floor(clock.now().getTime() / 1000),
            )
          : null;
      case 'system-log':
        return settings.systemLog.enabled || evenIfDisabled ? systemLogChannel(systemLog) : null;
    }
  }

  private deliveredText(settings: StoredNotifySettings, channel: NotifyChannel): string {
    switch (channel) {
      case 'email':
        return `Sent to ${settings.email?.to.join(', ') ?? ''} through ${settings.email?.host ?? ''}.`;
      case 'webhook':
        return `Delivered to ${settings.webhook ? new URL(settings.webhook.url).origin : ''} (the receiver answered 2xx).`;
      case 'system-log':
        return this.deps.systemLog.target === 'syslog'
          ? 'Written to syslog (event id 3000).'
          : 'Written to the Windows Event Log (event id 3000).';
    }
  }

  private async settings(): Promise<StoredNotifySettings> {
    return (await this.settingsFile.load()) ?? structuredClone(DEFAULT_NOTIFY_SETTINGS);
  }

  private async saveSettings(change: (settings: StoredNotifySettings) => StoredNotifySettings): Promise<void> {
    await this.settingsFile.save(change(await this.settings()));
    await this.scheduleDigests();
  }

  private async state(): Promise<StoredNotifyState> {
    await this.chain;
    return (await this.stateFile.load()) ?? { version: 1, status: {}, digest: {}, outbox: [] };
  }

  /** State changes one at a time: deliveries on several channels finish together. */
  private mutateState(change: (state: StoredNotifyState) => void): Promise<void> {
    const next = this.chain.then(async () => {
      const state = (await this.stateFile.load()) ?? { version: 1 as const, status: {}, digest: {}, outbox: [] };
      change(state);
      await this.stateFile.save(state);
    });
    this.chain = next.catch((error: unknown) =>
      this.deps.logger.warn({ cause: scrubSecrets(describe(error)) }, 'notify-state.json not written'),
    );
    return next;
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.deps.logger.warn({ cause: scrubSecrets(describe(error)) }, 'notification error'));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }
}

/** The stamp's rules for an added root CA file, reported under this input's field. */
function checkAddedRoots(pem: string): void {
  try {
    parseAddedRoots(pem);
  } catch (error) {
    throw isEngineError(error) ? invalidInput('caPem', error.message, error.remediation) : error;
  }
}

function label(channel: NotifyChannel): string {
  return channel === 'email' ? 'Email' : channel === 'webhook' ? 'The webhook' : 'The system log';
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Milliseconds from `now` to the next HH:MM in the station's local time (at least one minute ahead). */
export function msUntilLocalTime(now: Date, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  const next = new Date(now);
  next.setHours(h ?? 8, m ?? 0, 0, 0);
  while (next.getTime() - now.getTime() < 60_000) next.setTime(next.getTime() + DAY_MS);
  return next.getTime() - now.getTime();
}
