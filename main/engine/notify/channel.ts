import type { NotificationMessage } from './notification-message';

/**
 * One way of reaching people. `send` makes one attempt and throws on failure;
 * the NotificationService retries and records the outcome. A failure whose
 * retry cannot help (no system log on this station) is a PermanentDeliveryError.
 */
export interface NotificationChannel {
  send(message: NotificationMessage, signal: AbortSignal): Promise<void>;
}

export class PermanentDeliveryError extends Error {}

/** How long one attempt may take before it counts as failed. */
export const ATTEMPT_TIMEOUT_MS = 20_000;
