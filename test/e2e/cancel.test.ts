/**
 * Cancel is honest (issue 10.2), in Chromium: the card says Cancelling… the
 * moment Cancel is accepted, the backup ends Cancelled in words — in the
 * feedback, Essentials and the timeline — and nothing red: no alert, no error
 * banner, no active alert.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { testCertificate } from '../support/backup-fixtures';
import { cli } from '../support/cli';
import { goTo, openConsoleIn, consoleInChromium, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { screenshot } from './support/screenshot';

describe('Cancel a running backup in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    expect((await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer])).code).toBe(0);
    // A source that waits keeps the job running until it is cancelled, however loaded the machine.
    expect((await cli(['--config-dir', config, 'sources', 'add', 'waits', '--command', 'sleep 600'])).code).toBe(0);
    ({ running, browser, context } = await consoleInChromium(config));
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('Cancelling… at once, then Cancelled in words, with no alert and no error banner', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('command-backup-now').click();
    const card = page.getByTestId('job-progress');
    await card.waitFor({ timeout: 30_000 });
    await card.getByText(/: running$/).waitFor({ timeout: 30_000 });
    // Essentials says so too: the page follows one running job.
    await page.getByTestId('essentials-health').getByText('A backup is running.').waitFor({ timeout: 15_000 });

    // The job's own state, published when Cancel is accepted, before the job has ended. A cancelled
    // command source ends within milliseconds, so every rendering is watched rather than polled.
    await page.evaluate(() => {
      const seen = { cancelling: false };
      (window as unknown as { cancelSeen: typeof seen }).cancelSeen = seen;
      new MutationObserver(() => {
        const card = document.querySelector('[data-testid="job-progress"]');
        const button = document.querySelector<HTMLButtonElement>('[data-testid="cancel-backup"]');
        if (/: cancelling…/.test(card?.textContent ?? '') && button?.textContent?.trim() === 'Cancelling…' && button.disabled)
          seen.cancelling = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByTestId('cancel-backup').click();

    const cancelled = page.getByTestId('job-cancelled');
    await cancelled.waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { cancelSeen: { cancelling: boolean } }).cancelSeen.cancelling)).toBe(true);
    await expect(cancelled.textContent()).resolves.toMatch(/: cancelled.*cancelled by the operator/);
    expect(await cancelled.evaluate((notice) => notice.classList.contains('notice--neutral'))).toBe(true);
    await expect(card.count()).resolves.toBe(0);
    await page
      .getByTestId('essentials-last-attempt')
      .getByText(/^Cancelled/)
      .waitFor();
    await expect(page.getByTestId('essentials-health').textContent()).resolves.not.toMatch(/failed/i);
    await expect(page.getByTestId('job-error').count()).resolves.toBe(0);
    await expect(page.locator('[role="alert"]').count()).resolves.toBe(0);
    await screenshot(page, 'backup-cancelled');

    await goTo(page, '#/timeline');
    await page.getByTestId('timeline-rows').getByText('Backup cancelled').first().waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('timeline-rows').getByText('Backup failed').count()).resolves.toBe(0);

    const alerts = JSON.parse((await cli(['--json', '--config-dir', config, 'alerts'])).out) as unknown[];
    expect(alerts).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
