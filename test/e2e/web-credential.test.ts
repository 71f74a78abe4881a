import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Another local user's listener on another loopback port: it records everything a browser sends it. */
async function startListener(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>elsewhere</title><p>another port</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('the web host credential in a real browser', () => {
  let browser: Browser;
  let running: RunningWebConsole;
  let listener: Awaited<ReturnType<typeof startListener>>;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    temp = await makeTempDir();
    running = await startWebConsole(join(temp.path, 'config'));
    listener = await startListener();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    listener?.server.close();
    await temp?.remove();
  });

  it('never reaches another loopback port, and its sign-in link cannot be replayed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const signInUrl = await running.takeSignInUrl();
    const signInToken = new URL(signInUrl).searchParams.get('token')!;
    await page.goto(signInUrl);
    await expect(page.getByTestId('not-configured').textContent({ timeout: 15_000 })).resolves.toContain('Backup is not configured');
    expect(page.url()).not.toContain('token=');
    const sessionToken = await page.evaluate(() => sessionStorage.getItem('ibc.session'));

    // The operator's browser visits another local user's listener: in a new tab and in the console's own tab.
    const other = await context.newPage();
    await other.goto(listener.url + 'new-tab');
    await page.goto(listener.url + 'same-tab');
    expect(listener.seen.map((s) => s.url)).toEqual(expect.arrayContaining(['/new-tab', '/same-tab']));
    for (const request of listener.seen) {
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
      const everything = JSON.stringify(request);
      expect(everything).not.toContain(signInToken);
      if (sessionToken) expect(everything).not.toContain(sessionToken);
    }
    // Nothing the listener received opens the console's API, as a cookie or as a Bearer token.
    for (const value of listener.seen.flatMap((s) => Object.values(s.headers).flat())) {
      if (typeof value !== 'string') continue;
      expect(await post(`${running.url}api/getSettings`, { Cookie: value, Authorization: `Bearer ${value}` })).toBe(401);
    }

    expect(sessionToken).toMatch(/^[\w-]{40,}$/);

    // The sign-in link was spent when the page traded it: replaying it opens nothing.
    expect(await post(`${running.url}api/session`, { Authorization: `Bearer ${signInToken}` })).toBe(401);
    const replay = await (await browser.newContext()).newPage();
    const refused = replay.waitForResponse((response) => response.url().endsWith('/api/session'));
    await replay.goto(signInUrl);
    expect((await refused).status()).toBe(401);
    expect(await replay.evaluate(() => sessionStorage.getItem('ibc.session'))).toBeNull();

    // The session itself keeps working for its tab, and the next link printed by the host opens a new page.
    expect(await post(`${running.url}api/getSettings`, { Authorization: `Bearer ${sessionToken}` })).toBe(200);
    const next = await (await browser.newContext()).newPage();
    await next.goto(await running.takeSignInUrl());
    await expect(next.getByTestId('not-configured').textContent({ timeout: 15_000 })).resolves.toContain('Backup is not configured');
  });
});
