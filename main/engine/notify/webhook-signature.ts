import { createHmac } from 'node:crypto';

/** Headers of every webhook delivery (README: Notifications → Webhook). */
export const WEBHOOK_HEADERS = {
  /** `v1=` and the hex HMAC-SHA256, keyed with the secret, of `<timestamp>.<raw body>`. */
  signature: 'X-IBC-Signature',
  /** Unix seconds when the delivery was signed; receivers reject one too old (replay). */
  timestamp: 'X-IBC-Timestamp',
  /** The message id; a retry of the same message carries the same id (receivers may deduplicate). */
  delivery: 'X-IBC-Delivery',
} as const;

/** The signature of one delivery, as Stripe and Slack sign theirs: the timestamp is inside the MAC. */
export function webhookSignature(secret: string, timestampSeconds: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}
