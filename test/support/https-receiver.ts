import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestPki } from './stamp-mock/test-pki';

export interface WebhookDelivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** What a receiver following the README concludes. */
  verified: boolean;
}

/**
 * The receiver's side, written from the README alone: HMAC-SHA256 keyed with
 * the secret over `<X-IBC-Timestamp>.<raw body>`, compared in constant time,
 * and a timestamp more than five minutes from the receiver's clock refused.
 */
export function verifyWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string, nowSeconds: number): boolean {
  const timestamp = Number(headers['x-ibc-timestamp']);
  const signature = String(headers['x-ibc-signature'] ?? '');
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A real HTTPS receiver on loopback (the test PKI's certificate); answers each request with the next scripted status (default 204). */
export async function startWebhookReceiver(pki: TestPki, secret: string, nowSeconds: () => number) {
  const deliveries: WebhookDelivery[] = [];
  const statuses: number[] = [];
  const server: Server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ headers: req.headers, rawBody, verified: verifyWebhook(secret, req.headers, rawBody, nowSeconds()) });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/hooks/backup`,
    deliveries,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
