import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { axeViolations } from './support/axe';
import { focused, tabTo } from './support/keyboard';
import { openConsoleIn, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';

describe('a console that is not configured yet, in Chromium, served by the web host', () => {
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    temp = await makeTempDir();
    running = await startWebConsole(join(temp.path, 'config'));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('leads through configuration and says consistently that nothing is backed up yet', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('not-configured').waitFor({ timeout: 15_000 });
    expect(page.url()).not.toContain('token=');
    expect(await page.title()).toBe('Infrastructure backup · Infrastructure Backup Console');
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('main').count()).toBe(1);

    const backupNow = page.getByTestId('command-backup-now');
    expect(await backupNow.getAttribute('aria-disabled')).toBe('true');
    await expect(page.getByText('Backup now is unavailable: configure backup first.').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('essentials-automatic').textContent()).resolves.toBe('Not configured');
    await expect(page.getByTestId('essentials-next').textContent()).resolves.toContain('backup is not configured');
    await expect(page.getByTestId('backups-empty').textContent()).resolves.toContain('backup is not configured yet');
    expect(await page.getByTestId('backups-error').count()).toBe(0);

    await page.evaluate(() => (location.hash = '#/timeline'));
    await expect(page.getByTestId('upcoming-empty').textContent()).resolves.toContain('backup is not configured yet');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the side navigation works with Tab and Enter, moves focus to each page heading, and names the page in the title', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('not-configured').waitFor({ timeout: 15_000 });
    await tabTo(page, (focus) => focus.testId === 'nav-overview');
    // A visible focus ring on the link the keyboard is on.
    expect((await focused(page)).outline).toMatch(/^solid [2-9]/);
    for (const [testId, title] of [
      ['nav-sources', 'Sources'],
      ['nav-timeline', 'Timeline'],
      ['nav-keys', 'Keys and certificates'],
      ['nav-alerts', 'Alerts'],
    ] as const) {
      // Down the navigation from Overview, then back up to it from each page's heading.
      await tabTo(page, (focus) => focus.testId === testId, testId === 'nav-sources' ? 'Tab' : 'Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (expected) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent?.trim() === expected,
        title,
      );
      expect(await page.title()).toBe(`${title} · Infrastructure Backup Console`);
      expect(await page.locator('[aria-current=page]').textContent()).toContain(title);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('has no critical or serious accessibility violation, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const themed = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme });
      const { page, problems } = await openConsoleIn(themed, running);
      await page.getByTestId('not-configured').waitFor({ timeout: 15_000 });
      expect(await axeViolations(page), `overview (${colorScheme})`).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `first-run-${colorScheme}-1366x768.png`) });
      await page.getByTestId('go-configure').click();
      await page.getByTestId('save').click();
      await page.getByTestId('save-failed').waitFor();
      expect(await axeViolations(page), `configuration errors (${colorScheme})`).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `first-configuration-errors-${colorScheme}-1366x768.png`) });
      expect(problems).toEqual([]);
      await themed.close();
    }
  });

  it('serves the renderer compressed: hashed assets cached for good, the page itself never', async () => {
    const { page } = await openConsoleIn(context, running);
    const responses = new Map<string, Record<string, string>>();
    page.on('response', (response) => responses.set(new URL(response.url()).pathname, response.headers()));
    await page.reload();
    await page.getByTestId('not-configured').waitFor({ timeout: 15_000 });
    const script = [...responses.entries()].find(([path]) => /^\/assets\/index-.*\.js$/.test(path));
    expect(script?.[1]).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(responses.get('/')?.['cache-control']).toBe('no-store');
    await page.close();
  });
});
