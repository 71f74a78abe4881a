/**
 * Deletions appear at once (issue 10.6), in Chromium: lowering the retention
 * period in the panel and confirming marks the backups it deletes "Deleting…"
 * in the grid, then they leave the grid — no Refresh, no reload.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { testCertificate } from '../support/backup-fixtures';
import { cli } from '../support/cli';
import { BUILT_CLI, openConsoleIn, PROJECT_ROOT, consoleInChromium, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { screenshot } from './support/screenshot';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('Retention deletions in the grid, in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  const backupIds: string[] = [];

  /** A backup taken by the built CLI under a clock `daysAgo` days behind, as if taken then. */
  async function backupTaken(daysAgo: number): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BUILT_CLI, '--json', '--config-dir', config, 'backup', 'start', '--wait'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, IBC_TEST_CLOCK_OFFSET_MS: String(-daysAgo * DAY_MS) },
      },
    );
    return (JSON.parse(stdout) as { backupId: string }).backupId;
  }

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    const set = await cli([
      '--config-dir',
      config,
      'config',
      'set',
      '--path',
      join(temp.path, 'share'),
      '--cert',
      cer,
      '--retention',
      '14',
    ]);
    expect(set.code, set.err).toBe(0);
    for (const daysAgo of [10, 9, 0]) backupIds.push(await backupTaken(daysAgo));
    ({ running, browser, context } = await consoleInChromium(config));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('lowering retention and confirming: the rows say Deleting…, then leave the grid without a refresh', async () => {
    const [oldest, older, newest] = backupIds as [string, string, string];
    const { page, problems } = await openConsoleIn(context, running);
    const table = page.getByTestId('backups-table');
    for (const id of backupIds) await table.getByTestId(`backup-row-${id}`).waitFor({ timeout: 30_000 });

    // Records every row that shows the pending state, however briefly.
    await page.evaluate(() => {
      const seen = new Set<string>();
      (globalThis as unknown as { deletingSeen: Set<string> }).deletingSeen = seen;
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('[data-testid^="backup-row-"]'))
          if (row.querySelector('[data-testid="backup-deleting"]')) seen.add(row.getAttribute('data-testid') ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    await page.getByTestId('command-configure').click();
    // Typed once the panel shows the saved period: 7 is also the default, and a value equal to the
    // default typed before the saved settings arrive is not an edit the panel keeps.
    await page.waitForFunction(() => (document.getElementById('cfg-retention') as HTMLInputElement | null)?.value === '14');
    await page.locator('#cfg-retention').fill('7');
    await page.getByTestId('save').click();
    const dialog = page.getByRole('dialog', { name: 'Delete 2 older backups?' });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByText(oldest).waitFor();
    await dialog.getByText(older).waitFor();
    await dialog.getByTestId('confirm-save').click();
    await page.getByTestId('saved').waitFor({ timeout: 30_000 });
    await page.getByTestId('cancel-configuration').click();

    await table.getByTestId(`backup-row-${oldest}`).waitFor({ state: 'detached', timeout: 60_000 });
    await table.getByTestId(`backup-row-${older}`).waitFor({ state: 'detached', timeout: 60_000 });
    const seen = await page.evaluate(() => [...(globalThis as unknown as { deletingSeen: Set<string> }).deletingSeen].sort());
    expect(seen).toEqual([`backup-row-${older}`, `backup-row-${oldest}`].sort());
    await expect(table.getByTestId(`backup-row-${newest}`).count()).resolves.toBe(1);
    await screenshot(page, 'retention-deleted');
    expect(problems).toEqual([]);
    await page.close();
  });
});
