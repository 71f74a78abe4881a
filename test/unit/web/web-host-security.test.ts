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
    host = await startWebHost({ engine, staticDir, token });
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

  it('answers 401 to a request without the token, for pages and API alike', async () => {
    expect((await send(host, '/', { headers: own() })).status).toBe(401);
    expect((await send(host, '/api/getSettings', { method: 'POST', headers: own() })).status).toBe(401);
  });

  it('answers 401 to a wrong token', async () => {
    expect((await send(host, '/api/getSettings', { method: 'POST', headers: { ...own(), Authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
  });

  it('answers 403 to a foreign Host header even with the token (DNS rebinding)', async () => {
    const reply = await send(host, '/', { headers: { Host: `evil.example:${host.port}`, Authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(403);
  });

  it('answers 403 to a foreign Origin header even with the token', async () => {
    const reply = await send(host, '/api/getSettings', {
      method: 'POST',
      headers: { ...own(), Origin: 'http://evil.example', Authorization: `Bearer ${token}` },
    });
    expect(reply.status).toBe(403);
  });

  it('trades the token in the URL for an HttpOnly SameSite cookie and drops it from the address', async () => {
    const reply = await send(host, `/?token=${token}`, { headers: own() });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    const cookie = String(reply.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await send(host, '/', { headers: { ...own(), Cookie: `ibc_token=${token}` } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('serves the contract as JSON with typed results', async () => {
    const reply = await send(host, '/api/getSettings', {
      method: 'POST',
      headers: { ...own(), Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
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
      headers: { ...own(), Authorization: `Bearer ${token}` },
      body: JSON.stringify({ input: { retentionDays: 'seven' } }),
    });
    const result = JSON.parse(reply.body) as { ok: boolean; error: { code: string; field: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('invalid-input');
    expect(result.error.field).toBe('retentionDays');
  });

  it('answers 404 for unknown methods and never serves files outside the renderer', async () => {
    const auth = { ...own(), Authorization: `Bearer ${token}` };
    expect((await send(host, '/api/deleteEverything', { method: 'POST', headers: auth })).status).toBe(404);
    expect((await send(host, '/../../etc/passwd', { headers: auth })).status).toBe(404);
    expect((await send(host, '/%2e%2e/%2e%2e/etc/passwd', { headers: auth })).status).toBe(404);
  });
});
