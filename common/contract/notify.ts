/**
 * The contract's notification group: email (SMTP), a signed HTTPS webhook and
 * the system log (syslog / Windows Event Log), told of every alert raised or
 * closed. Inputs and results of every `*Notifications` method. Secrets (the
 * SMTP password, the webhook's signing secret) are write-only: inputs carry
 * them, views say only whether one is stored.
 */
import { z } from 'zod';

export const NOTIFY_CHANNELS = ['email', 'webhook', 'system-log'] as const;
export const NOTIFY_MODES = ['immediate', 'daily-digest'] as const;
export const SMTP_SECURITY = ['starttls', 'tls'] as const;
export const DELIVERY_STATES = ['never', 'delivered', 'retrying', 'failed'] as const;

const rule = (check: (value: string) => string | null) => (value: string, context: z.RefinementCtx) => {
  const message = check(value);
  if (message) context.addIssue({ code: 'custom', message });
};

/** An address as RFC 5321 allows it in practice: one @, no spaces or angle brackets (they would forge headers). */
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
const emailAddress = z
  .string()
  .trim()
  .max(320)
  .superRefine(rule((value) => (EMAIL.test(value) ? null : `"${value}" is not an email address such as backup-team@contoso.com.`)));

/** A host name or address as SMTP clients take it (no scheme, no port, no path). */
const HOST = /^[A-Za-z0-9.:[\]-]{1,253}$/;
const smtpHost = z
  .string()
  .trim()
  .superRefine(
    rule((value) =>
      HOST.test(value) ? null : 'SMTP server must be a host name or address such as smtp.contoso.com (no scheme, no port).',
    ),
  );

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const digestAt = z
  .string()
  .trim()
  .superRefine(rule((value) => (HH_MM.test(value) ? null : 'Digest time must be HH:MM in 24-hour local time, such as 08:00.')));

const caPem = z
  .string()
  .max(256 * 1024)
  .superRefine(
    rule((value) =>
      value.trim() === '' || /-----BEGIN CERTIFICATE-----/.test(value)
        ? null
        : 'The root CA file must hold PEM certificates (-----BEGIN CERTIFICATE----- …).',
    ),
  );

function checkWebhookUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Webhook URL must be a URL such as https://hooks.contoso.com/backup.';
  }
  if (url.protocol !== 'https:') return 'Webhook URL must use https:// (the payload names your infrastructure).';
  if (url.username || url.password) return 'Webhook URL must not carry a user name or password: the signature authenticates the console.';
  return null;
}

// ───────────────────────────── inputs ─────────────────────────────

/** Email: every field but the password is given each time; an absent password keeps the stored one. */
export const emailNotificationsInput = z.strictObject({
  enabled: z.boolean(),
  host: smtpHost,
  port: z.number().int().min(1, 'Port must be 1–65535.').max(65535, 'Port must be 1–65535.').default(587),
  /** STARTTLS (submission, port 587) or TLS from the first byte (port 465); never plaintext. */
  security: z.enum(SMTP_SECURITY).default('starttls'),
  /** Empty: the server takes mail without authentication. */
  username: z.string().trim().max(512).default(''),
  /** Write-only. */
  password: z.string().max(1024).optional(),
  from: emailAddress,
  to: z.array(emailAddress).min(1, 'Give at least one recipient.').max(50),
  mode: z.enum(NOTIFY_MODES).default('immediate'),
  digestAt: digestAt.default('08:00'),
  /** Roots the server's certificate may chain to besides the station's store (an enterprise CA, PEM); absent keeps the stored ones, empty removes them. */
  caPem: caPem.optional(),
});

/** Webhook: a secret is required the first time; an absent secret keeps the stored one. */
export const webhookNotificationsInput = z.strictObject({
  enabled: z.boolean(),
  url: z.string().trim().max(2048).superRefine(rule(checkWebhookUrl)),
  /** Write-only: the HMAC-SHA256 key receivers verify the signature with. */
  secret: z.string().min(16, 'The signing secret must be at least 16 characters.').max(1024).optional(),
  mode: z.enum(NOTIFY_MODES).default('immediate'),
  digestAt: digestAt.default('08:00'),
  /** As for email: absent keeps, empty removes. */
  caPem: caPem.optional(),
});

export const systemLogNotificationsInput = z.strictObject({ enabled: z.boolean() });

/** Without a channel: every configured channel. */
export const testNotificationsInput = z.strictObject({ channel: z.enum(NOTIFY_CHANNELS).optional() }).optional();

// ───────────────────────────── views ─────────────────────────────

export const deliveryStatus = z.strictObject({
  state: z.enum(DELIVERY_STATES),
  lastAttemptAt: z.string().nullable(),
  lastDeliveredAt: z.string().nullable(),
  /** Why the last attempt failed, scrubbed of secrets; null after a delivery. */
  lastError: z.string().nullable(),
  /** Messages waiting: coalescing, a retry's back-off, or the daily digest. */
  pending: z.number().int(),
});

export const notificationsView = z.strictObject({
  email: z
    .strictObject({
      enabled: z.boolean(),
      host: z.string(),
      port: z.number(),
      security: z.enum(SMTP_SECURITY),
      username: z.string(),
      passwordSet: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
      mode: z.enum(NOTIFY_MODES),
      digestAt: z.string(),
      caPemSet: z.boolean(),
    })
    .nullable(),
  webhook: z
    .strictObject({
      enabled: z.boolean(),
      url: z.string(),
      secretSet: z.boolean(),
      mode: z.enum(NOTIFY_MODES),
      digestAt: z.string(),
      caPemSet: z.boolean(),
    })
    .nullable(),
  systemLog: z.strictObject({
    enabled: z.boolean(),
    /** Where lines go on this station. */
    target: z.enum(['syslog', 'windows-event-log']),
  }),
  status: z.strictObject({ email: deliveryStatus, webhook: deliveryStatus, 'system-log': deliveryStatus }),
});

export const notificationTestResult = z.array(z.strictObject({ channel: z.enum(NOTIFY_CHANNELS), ok: z.boolean(), message: z.string() }));

// ───────────────────────────── methods ─────────────────────────────

const method = <I extends z.ZodType, R extends z.ZodType>(inputSchema: I, result: R) => ({ input: inputSchema, result });

export const NOTIFY_CONTRACT = {
  getNotifications: method(z.undefined(), notificationsView),
  setEmailNotifications: method(emailNotificationsInput, notificationsView),
  setWebhookNotifications: method(webhookNotificationsInput, notificationsView),
  setSystemLogNotifications: method(systemLogNotificationsInput, notificationsView),
  /** Sends a test message now, bypassing coalescing and digests; one result per channel. */
  testNotifications: method(testNotificationsInput, notificationTestResult),
};
