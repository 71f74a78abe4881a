/**
 * What notifications keep in the config folder, as every state file (0600,
 * replaced atomically, kept aside when unreadable): `notifications.json`, the
 * channels' settings (nothing secret: the SMTP password and the webhook's
 * secret are in the encrypted secret store), and `notify-state.json`, each
 * channel's last delivery, the events waiting for the daily digest, and the
 * outbox: every message not yet delivered, so a quit does not lose it.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { jsonStateFile, type JsonStateFile } from '../history/json-state-file';
import { alert } from '../../../common/contract/views';
import { deliveryStatus, NOTIFY_CHANNELS, NOTIFY_MODES, SMTP_SECURITY } from '../../../common/contract/notify';

export const NOTIFY_SETTINGS_FILE = 'notifications.json';
export const NOTIFY_STATE_FILE = 'notify-state.json';

export const NOTIFY_SECRET_NAMES = {
  smtpPassword: 'notify-smtp-password',
  webhookSecret: 'notify-webhook-secret',
} as const;

const storedSettings = z.object({
  version: z.literal(1),
  email: z
    .object({
      enabled: z.boolean(),
      host: z.string(),
      port: z.number(),
      security: z.enum(SMTP_SECURITY),
      username: z.string(),
      from: z.string(),
      to: z.array(z.string()),
      mode: z.enum(NOTIFY_MODES),
      digestAt: z.string(),
      caPem: z.string(),
    })
    .nullable(),
  webhook: z
    .object({ enabled: z.boolean(), url: z.string(), mode: z.enum(NOTIFY_MODES), digestAt: z.string(), caPem: z.string() })
    .nullable(),
  systemLog: z.object({ enabled: z.boolean() }),
});
export type StoredNotifySettings = z.output<typeof storedSettings>;

/** The system log is on from the start: SIEM tools pick failures up with no setup. */
export const DEFAULT_NOTIFY_SETTINGS: StoredNotifySettings = { version: 1, email: null, webhook: null, systemLog: { enabled: true } };

const transition = z.object({ transition: z.enum(['raised', 'closed']), at: z.string(), alert });

const notificationMessage = z.object({
  type: z.enum(['alerts', 'digest', 'test']),
  id: z.string(),
  createdAt: z.string(),
  events: z.array(transition),
  activeAlerts: z.array(alert),
});

/**
 * A message for one channel that is not delivered yet. It is written before
 * the first attempt and removed in the same write that records its delivery
 * (or that gives it up), so a message is never sent twice by the console —
 * except when a process ends between the receiver's answer and that write
 * (the id is the same both times: receivers can tell).
 */
const outboxEntry = z.object({
  channel: z.enum(NOTIFY_CHANNELS),
  /** The process that delivers it; a later start takes it over once that process is gone. */
  owner: z.number().int(),
  /** Still collecting the changes of its minute (not sent yet). */
  coalescing: z.boolean(),
  /** The attempt it is waiting for (1: not tried yet). */
  attempt: z.number().int().min(1),
  message: notificationMessage,
});
export type OutboxEntry = z.output<typeof outboxEntry>;

const storedState = z.object({
  version: z.literal(1),
  status: z.record(z.string(), deliveryStatus),
  /** Per digest channel: the changes since its last digest. */
  digest: z.record(z.string(), z.array(transition)),
  outbox: z.array(outboxEntry).default([]),
});
export type StoredNotifyState = z.output<typeof storedState>;

function file<T>(path: string, schema: z.ZodType<T>, onInvalid: (notice: string) => void): JsonStateFile<T> {
  return jsonStateFile(
    path,
    (value) => {
      const parsed = schema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    onInvalid,
  );
}

export const notifySettingsFile = (configDir: string, onInvalid: (notice: string) => void): JsonStateFile<StoredNotifySettings> =>
  file(join(configDir, NOTIFY_SETTINGS_FILE), storedSettings, onInvalid);

export const notifyStateFile = (configDir: string, onInvalid: (notice: string) => void): JsonStateFile<StoredNotifyState> =>
  file(join(configDir, NOTIFY_STATE_FILE), storedState, onInvalid);
