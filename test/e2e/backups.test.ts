import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { openConsole, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { cli } from '../support/cli';
import { testCertificate } from '../support/backup-fixtures';

describe('Backups in Chromium: Backup now, the table, verify, alerts', () => {
  let browser: Browser;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    temp = await makeTempDir();
    const config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    // A local-folder location (trial use) and the bundled sample stamp as sources.
    const set = await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer]);
    expect(set.code, set.err).toBe(0);
    running = await startWebConsole(config);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('Backup now produces a Succeeded backup of the sample stamp that verifies', async () => {
    const { page, problems } = await openConsole(browser, running, '#/backups');
    await page.getByTestId('backups-backup-now').click();
    const table = page.getByTestId('backups-table');
    await table.getByText('Succeeded').waitFor({ timeout: 30_000 });
    await expect(table.getByText('on-demand').count()).resolves.toBe(1);
    await table.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Verify', exact: true }).last().click();
    await page.getByText('Backup verified').waitFor({ timeout: 15_000 });
    for (const component of ['identity', 'certificate-authority', 'resource-manager', 'keyvault', 'rbac'])
      await page.getByText(new RegExp(`✓ ${component}:`)).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'backups-verified.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
