import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { openConsole, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';

describe('the console in Chromium, served by the web host', () => {
  let browser: Browser;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    temp = await makeTempDir();
    running = await startWebConsole(join(temp.path, 'config'));
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('shows Essentials saying backup is not configured, with no console errors', async () => {
    const { page, problems } = await openConsole(browser, running);
    await expect(page.getByTestId('not-configured').textContent({ timeout: 15_000 })).resolves.toContain('Backup is not configured');
    expect(await page.title()).toBe('Infrastructure Backup Console');
    // the token was traded for a cookie and is gone from the address bar
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: join(SCREENSHOTS, 'essentials-not-configured.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('links from Essentials to Configuration and has every blade section', async () => {
    const { page, problems } = await openConsole(browser, running);
    for (const section of ['Essentials', 'Configuration', 'Backups', 'Timeline', 'Keys', 'Alerts']) {
      await expect(page.getByRole('menuitem', { name: section }).count()).resolves.toBe(1);
    }
    await page.getByTestId('go-configure').click();
    await page.waitForURL(/#\/configuration$/);
    expect(problems).toEqual([]);
  });
});
