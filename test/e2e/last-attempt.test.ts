/**
 * Last success vs last attempt (issue 10.5), in Chromium against a real Samba
 * server: after a successful backup, a failed attempt (the share's smbd
 * stopped) shows as the last attempt with its reason while the last
 * successful backup stays, and the capacity says it is unknown because the
 * share cannot be reached — never a stale figure.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { testCertificate } from '../support/backup-fixtures';
import { cli, configSetOnSamba } from '../support/cli';
import { startSamba, type SambaServer } from '../support/samba';
import { openConsoleIn, consoleInChromium, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { screenshot } from './support/screenshot';

describe('Essentials after a failed attempt, in Chromium against Samba', () => {
  let server: SambaServer;
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    const config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configSetOnSamba(server, config, cer);
    const backup = await cli(['--config-dir', config, 'backup', 'start', '--wait']);
    expect(backup.code, backup.err).toBe(0);
    ({ running, browser, context } = await consoleInChromium(config));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await server?.stop();
    await temp?.remove();
  });

  it('the failed attempt is the last attempt, the success stays the last success, capacity unknown — share unreachable', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    const lastSuccess = page.getByTestId('essentials-last-backup');
    await lastSuccess.getByText('Succeeded').waitFor({ timeout: 30_000 });
    const successText = await lastSuccess.textContent();
    await page.getByTestId('essentials-capacity').getByText(/free/).waitFor({ timeout: 30_000 });

    await server.stop();
    await page.getByTestId('command-backup-now').click();
    await page.getByTestId('job-error').waitFor({ timeout: 120_000 });
    const lastAttempt = page.getByTestId('essentials-last-attempt');
    await lastAttempt.getByText(/^Failed/).waitFor({ timeout: 30_000 });
    await page
      .getByTestId('essentials-capacity')
      .getByText(/^\s*Unknown — the share could not be reached/)
      .waitFor({ timeout: 60_000 });
    await expect(lastSuccess.textContent()).resolves.toBe(successText);
    await expect(page.getByTestId('essentials-health').textContent()).resolves.toContain('The last backup failed.');
    await screenshot(page, 'essentials-last-attempt-failed');
    // The listing fails too: said as a path/connectivity error, never as "no backups".
    await page.getByTestId('backups-error').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('backups-empty').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
