import { request } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';

export interface RunningWebConsole {
  url: string;
  /** The first sign-in link (each link opens one page). */
  urlWithToken: string;
  /** The next unused sign-in link: the first, then each one the host prints when the previous one was used. */
  takeSignInUrl(): Promise<string>;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const BUILT_CLI = resolve(PROJECT_ROOT, 'out', 'main', 'cli.js');
export const SCREENSHOTS = join(PROJECT_ROOT, 'test-results');

/**
 * The built web host on `configDir` and Chromium with a 1366×768 context to open it in (screenshots
 * go to SCREENSHOTS): the set-up of an end-to-end file. If Chromium cannot start, the host is stopped.
 */
export async function consoleInChromium(
  configDir: string,
): Promise<{ running: RunningWebConsole; browser: Browser; context: BrowserContext }> {
  const running = await startWebConsole(configDir);
  try {
    const browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await mkdir(SCREENSHOTS, { recursive: true });
    return { running, browser, context };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** Starts the real, built web host (`infra-backup web`) on a config dir, as an operator would. */
export async function startWebConsole(configDir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningWebConsole> {
  const child = spawn(process.execPath, [BUILT_CLI, 'web', '--json', '--config-dir', configDir], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start within 15 s: ${stderr}`)), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolveLine(line);
    });
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}: ${stderr}`)));
  });
  const { url, urlWithToken } = JSON.parse(first) as { url: string; urlWithToken: string };
  const printed: string[] = [urlWithToken];
  const waiting: ((link: string) => void)[] = [];
  lines.on('line', (line) => {
    const link = (JSON.parse(line) as { urlWithToken: string }).urlWithToken;
    const waiter = waiting.shift();
    if (waiter) waiter(link);
    else printed.push(link);
  });
  return {
    url,
    urlWithToken,
    takeSignInUrl: () => {
      const link = printed.shift();
      return link !== undefined ? Promise.resolve(link) : new Promise<string>((resolveLink) => waiting.push(resolveLink));
    },
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Opens the console as an operator would, in a context the caller keeps (a viewport, a colour
 * scheme: a suite starts one browser and reuses it), and collects every console error and failed request.
 */
export async function openConsoleIn(
  context: BrowserContext,
  console: RunningWebConsole,
  hash = '',
): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  // A reload aborts the event stream and in-flight calls: that is not a failure.
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request: ${request.url()}`);
  });
  await page.goto(await console.takeSignInUrl());
  if (hash) await page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);
  return { page, problems };
}

/** Goes to a section the way a link would, and waits for its heading (every page has one h1). */
export async function goTo(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);
  await page.locator('main h1').waitFor();
}

/** A POST to the web host's API with a Bearer token (a sign-in link's, or a session's); `input` as the API takes it. */
export function postToWebHost(url: string, token: string, input?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end(JSON.stringify(input === undefined ? {} : { input }));
  });
}
