import { request } from 'node:https';
import type { NotificationChannel } from './channel';
import { ATTEMPT_TIMEOUT_MS, PermanentDeliveryError } from './channel';
import { webhookPayload, type ConsoleIdentity } from './notification-message';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature';
import { trustedRoots } from '../stamp/trust-roots';
import { registerSecret } from '../redact';

export interface WebhookSettings {
  url: string;
  caPem: string;
}

/**
 * An HTTPS POST of the documented JSON payload, signed with HMAC-SHA256 over
 * the timestamp and the raw body. Redirects are not followed (the signature
 * must reach only the configured receiver); any 2xx is a delivery.
 */
export function webhookChannel(
  settings: WebhookSettings,
  secret: () => string | null,
  identity: ConsoleIdentity,
  nowSeconds: () => number,
): NotificationChannel {
  return {
    async send(message, signal) {
      const key = secret();
      if (!key) throw new PermanentDeliveryError('No webhook signing secret is stored: set the webhook again with its secret.');
      registerSecret(key);
      const body = JSON.stringify(webhookPayload(message, identity));
      const timestamp = nowSeconds();
      const ca = settings.caPem.trim() ? await trustedRoots([settings.caPem]) : undefined;
      await new Promise<void>((resolve, reject) => {
        const req = request(
          settings.url,
          {
            method: 'POST',
            signal,
            timeout: ATTEMPT_TIMEOUT_MS,
            minVersion: 'TLSv1.2',
            ...(ca ? { ca } : {}),
            headers: {
              'Content-Type': 'application/json; charset=utf-8',
              'Content-Length': Buffer.byteLength(body),
              'User-Agent': `${identity.productName.replace(/\s+/g, '')}/${identity.version}`,
              [WEBHOOK_HEADERS.timestamp]: String(timestamp),
              [WEBHOOK_HEADERS.signature]: webhookSignature(key, timestamp, body),
              [WEBHOOK_HEADERS.delivery]: message.id,
            },
          },
          (res) => {
            res.resume();
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`The webhook receiver answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}.`));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`The webhook receiver did not answer within ${ATTEMPT_TIMEOUT_MS / 1000} s.`)));
        req.on('error', (error) =>
          reject(
            signal.aborted ? error : new Error(`The webhook receiver ${new URL(settings.url).host} cannot be reached: ${error.message}`),
          ),
        );
        req.end(body);
      });
    },
  };
}
