import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiEvent } from '../../preload/api';
import type { Engine } from '../engine/service';
import { dispatch, isApiMethod } from '../engine/dispatch';
import type { Logger } from '../engine/app/logger';
import { EngineError, invalidInput } from '../engine/errors';
import { CONTENT_SECURITY_POLICY, WebCredentials, allowedHosts, allowedOrigins, bearerToken, newToken } from './security';
import { readStaticFile } from './static-files';

export interface WebHostOptions {
  engine: Engine;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** The first one-time sign-in token (default: random). */
  token?: string;
  /** A sign-in link was used: here is the next one (print it where the first one was printed). */
  onNextSignInUrl?: (urlWithToken: string) => void;
  logger?: Logger;
}

export interface WebHost {
  url: string;
  /** The first sign-in link: it opens one page, whose session then lives in that tab (sessionStorage). */
  urlWithToken: string;
  port: number;
  address: string;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const SESSION_PATH = '/api/session';
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The console as a loopback web server: the same renderer, the same contract
 * (POST /api/<method>, events on GET /api/events). Bound to 127.0.0.1 only;
 * foreign Host/Origin headers are refused so a web page in the operator's
 * browser cannot reach it; every API call needs a page session secret in a
 * Bearer header, obtained once per sign-in link (see WebCredentials). The
 * renderer's files are public: they hold no data and no secret.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { engine, logger } = options;
  let port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw invalidInput('port', `The port must be a whole number from 1 to 65535 (got ${port}).`, 'Or leave --port out to use a free one.');
  const signInUrl = (token: string): string => `http://${LOOPBACK}:${port}/?token=${token}`;
  const credentials = new WebCredentials(options.token ?? newToken(), (next) => options.onNextSignInUrl?.(signInUrl(next)));
  const streams = new Set<ServerResponse>();
  const unsubscribe = engine.onEvent((event: ApiEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger?.error({ err: error }, 'web host request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    if (!allowedHosts(port).has(req.headers.host ?? ''))
      return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: unexpected Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(port).has(origin))
      return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: unexpected Origin');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === SESSION_PATH) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Use POST');
      const session = credentials.exchange(bearerToken(req));
      if (session === null) {
        return send(
          res,
          401,
          'text/plain; charset=utf-8',
          'Unauthorized: this sign-in link is not valid (each link opens one page). Use the newest link printed where the console was started.',
        );
      }
      return send(res, 200, 'application/json', JSON.stringify({ sessionToken: session }));
    }
    if (url.pathname.startsWith('/api/') && !credentials.acceptsSession(bearerToken(req))) {
      return send(
        res,
        401,
        'text/plain; charset=utf-8',
        'Unauthorized: open the console with a sign-in link printed where it was started.',
      );
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res);
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Use POST');
      if (!isApiMethod(method)) return send(res, 404, 'text/plain; charset=utf-8', 'Unknown method');
      const body = await readJsonBody(req);
      if (body === BODY_TOO_LARGE) return send(res, 413, 'text/plain; charset=utf-8', 'Request too large');
      if (body === BODY_INVALID) return send(res, 400, 'text/plain; charset=utf-8', 'Request body must be JSON: {"input": …}');
      const result = await dispatch(engine, method, body.input, logger);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    const file = await readStaticFile(options.staticDir, url.pathname, req.headers['accept-encoding']);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    if (file.headers['Content-Type']?.startsWith('text/html')) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.writeHead(200, file.headers);
    res.end(file.body);
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, port)));
    server.listen(port, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${LOOPBACK}:${port}/`;
  return {
    url,
    urlWithToken: signInUrl(credentials.currentSignInToken),
    port,
    address: LOOPBACK,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that cannot be had is the operator's input to change, not an unexpected failure. */
function listenFailure(error: NodeJS.ErrnoException, port: number): Error {
  const reasons: Record<string, string> = {
    EADDRINUSE: `port ${port} on ${LOOPBACK} is already in use by another program`,
    EACCES: `this user may not listen on port ${port} (ports below 1024 need privileges)`,
  };
  const reason = error.code ? reasons[error.code] : undefined;
  if (!reason) return error;
  return new EngineError({
    code: 'invalid-input',
    field: 'port',
    message: `The web host cannot start: ${reason}.`,
    remediation: 'Choose another port with --port N, or leave --port out to use a free one.',
    cause: error,
  });
}

const BODY_TOO_LARGE = Symbol('too-large');
const BODY_INVALID = Symbol('invalid');

async function readJsonBody(req: IncomingMessage): Promise<{ input?: unknown } | typeof BODY_TOO_LARGE | typeof BODY_INVALID> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return BODY_TOO_LARGE;
    chunks.push(buffer);
  }
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return BODY_INVALID;
    return parsed as { input?: unknown };
  } catch {
    return BODY_INVALID;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}
