import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../../main/web/server';
import { createEngine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { makeTempDir } from '../../support/temp-dir';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  host: WebHost,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

describe('web host security', () => {
  let host: WebHost;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const token = 'test-token-0123456789';
  const nextLinks: string[] = [];
  let session: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    const staticDir = join(temp.path, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    const engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: '0.0.0-test',
      frontDoor: 'web',
      logger: createLogger({ level: 'silent' }),
    });
    host = await startWebHost({ engine, staticDir, token, onNextSignInUrl: (link) => nextLinks.push(link) });
    const traded = await send(host, '/api/session', { method: 'POST', headers: { ...own(), Authorization: `Bearer ${token}` } });
    session = (JSON.parse(traded.body) as { sessionToken: string }).sessionToken;
  });
  afterAll(async () => {
    await host.close();
    await temp.remove();
  });

  const own = () => ({ Host: `127.0.0.1:${host.port}` });

  it('listens on the loopback address only', () => {
    expect(host.address).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
  });

  it('answers 401 to an API call without a session, and serves the page itself (it holds no data) with its CSP', async () => {
    expect((await send(host, '/api/getSettings', { method: 'POST', headers: own() })).status).toBe(401);
    expect((await send(host, '/api/events', { headers: own() })).status).toBe(401);
    const page = await send(host, '/', { headers: own() });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('answers 401 to a wrong session, to the sign-in token used as a session, and to a cookie', async () => {
    const call = (headers: Record<string, string>) => send(host, '/api/getSettings', { method: 'POST', headers: { ...own(), ...headers } });
    expect((await call({ Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call({ Authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await call({ Cookie: `ibc_token=${session}` })).status).toBe(401);
    expect((await call({ Authorization: `Bearer ${session}` })).status).toBe(200);
  });

  it('trades each sign-in token once for a session, and prints the next link', async () => {
    expect(nextLinks).toHaveLength(1);
    const replay = await send(host, '/api/session', { method: 'POST', headers: { ...own(), Authorization: `Bearer ${token}` } });
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('newest link');
    expect(nextLinks).toHaveLength(1);
    const next = new URL(nextLinks[0]!);
    expect(`${next.origin}/`).toBe(host.url);
    const nextToken = next.searchParams.get('token')!;
    expect(nextToken).not.toBe(token);
    expect((await send(host, '/api/session', { headers: { ...own(), Authorization: `Bearer ${nextToken}` } })).status).toBe(405);
    const traded = await send(host, '/api/session', { method: 'POST', headers: { ...own(), Authorization: `Bearer ${nextToken}` } });
    expect(traded.status).toBe(200);
    expect(traded.headers['set-cookie']).toBeUndefined();
    const second = (JSON.parse(traded.body) as { sessionToken: string }).sessionToken;
    expect(second).not.toBe(session);
    expect(nextLinks).toHaveLength(2);
  });

  it('answers 403 to a foreign Host header even with the token (DNS rebinding)', async () => {
    const reply = await send(host, '/', { headers: { Host: `evil.example:${host.port}`, Authorization: `Bearer ${session}` } });
    expect(reply.status).toBe(403);
  });

  it('answers 403 to a foreign Origin header even with the token', async () => {
    const reply = await send(host, '/api/getSettings', {
      method: 'POST',
      headers: { ...own(), Origin: 'http://evil.example', Authorization: `Bearer ${session}` },
    });
    expect(reply.status).toBe(403);
  });

  it('serves the contract as JSON with typed results', async () => {
    const reply = await send(host, '/api/getSettings', {
      method: 'POST',
      headers: { ...own(), Authorization: `Bearer ${session}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(reply.status).toBe(200);
    const result = JSON.parse(reply.body) as { ok: boolean; value: { configured: boolean } };
    expect(result.ok).toBe(true);
    expect(result.value.configured).toBe(false);
  });

  it('rejects malformed input with a typed invalid-input error naming the field', async () => {
    const reply = await send(host, '/api/previewRetention', {
      method: 'POST',
      headers: { ...own(), Authorization: `Bearer ${session}` },
      body: JSON.stringify({ input: { retentionDays: 'seven' } }),
    });
    const result = JSON.parse(reply.body) as { ok: boolean; error: { code: string; field: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('invalid-input');
    expect(result.error.field).toBe('retentionDays');
  });

  it('answers 404 for unknown methods and never serves files outside the renderer', async () => {
    const auth = { ...own(), Authorization: `Bearer ${session}` };
    expect((await send(host, '/api/deleteEverything', { method: 'POST', headers: auth })).status).toBe(404);
    expect((await send(host, '/../../etc/passwd', { headers: auth })).status).toBe(404);
    expect((await send(host, '/%2e%2e/%2e%2e/etc/passwd', { headers: auth })).status).toBe(404);
  });
});
