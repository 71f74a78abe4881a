/**
 * Prune in the console (issue 15), in Chromium against a real Samba share with
 * litter planted under MASBackup\ and a decoy next to it: the Unknown entry
 * is "Unknown" in the grid with its problem in the details drawer; Prune
 * lists a dry run first (the backup never in it), removes the litter and only
 * the Unknown entry the operator ticked after a confirmation, refreshes the
 * list, and never touches the backup or anything outside MASBackup\.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { testCertificate } from '../support/backup-fixtures';
import { cli, configSetOnSamba } from '../support/cli';
import { SAMBA_TEST_UNIX_USER, startSamba, type SambaServer } from '../support/samba';
import { openConsoleIn, consoleInChromium, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { axeViolations } from './support/axe';
import { screenshot } from './support/screenshot';

// Litter that only prune removes (retention cleans dead .partial folders itself, before an operator could prune them).
const LOCK_ASIDE = '.lock.stale.0b7f';
const TEMPORARY = '..lock.c0ffee.partial-write';
const UNKNOWN_TICKED = 'holiday-photos';
const UNKNOWN_KEPT = 'operator-notes.txt';

describe('Prune in Chromium, against a real Samba share with planted litter', () => {
  let server: SambaServer;
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let mas: string;
  let backupId: string;

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configSetOnSamba(server, config, cer);
    const backup = await cli(['--json', '--config-dir', config, 'backup', 'start', '--wait']);
    expect(backup.code, backup.err).toBe(0);
    backupId = (JSON.parse(backup.out) as { backupId: string }).backupId;
    mas = join(server.shareDir, 'MASBackup');
    // Litter inside MASBackup, and a decoy next to it named like litter.
    await writeFile(join(mas, LOCK_ASIDE), '{}');
    await writeFile(join(mas, TEMPORARY), '{}');
    await mkdir(join(mas, UNKNOWN_TICKED));
    await writeFile(join(mas, UNKNOWN_TICKED, 'beach.jpg'), 'not a backup');
    await writeFile(join(mas, UNKNOWN_KEPT), 'not ours');
    await mkdir(join(server.shareDir, '20261031T230000Z-dead02.partial'));
    execFileSync('chown', ['-R', SAMBA_TEST_UNIX_USER, server.shareDir]);
    ({ running, browser, context } = await consoleInChromium(config));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await server?.stop();
    await temp?.remove();
  });

  it('an Unknown entry says Unknown in the grid and its problem in the details drawer', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    const row = page.getByTestId(`backup-row-${UNKNOWN_TICKED}`);
    await row.waitFor({ timeout: 30_000 });
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('Unknown');
    expect(await row.getByRole('button', { name: /^Verify backup/ }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: `Details of backup ${UNKNOWN_TICKED}` }).click();
    const drawer = page.getByRole('dialog', { name: `Unknown entry ${UNKNOWN_TICKED}` });
    await drawer.waitFor();
    await expect(drawer.getByTestId('unknown-problem').textContent()).resolves.toMatch(/\S/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'unknown-entry-details');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Prune: a dry run first, then after confirmation the litter and the ticked Unknown entry go; the backup and the decoy stay', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId(`backup-row-${backupId}`).waitFor({ timeout: 30_000 });
    await page.getByTestId('command-prune').click();
    const dialog = page.getByRole('dialog', { name: 'Prune the share' });
    const items = dialog.getByTestId('prune-items');
    await items.waitFor({ timeout: 30_000 });
    await expect(items.getByTestId(`prune-item-${LOCK_ASIDE}`).textContent()).resolves.toMatch(/Lock file.*Removed by prune/);
    await expect(items.getByTestId(`prune-item-${TEMPORARY}`).textContent()).resolves.toMatch(/Temporary file.*Removed by prune/);
    await expect(items.getByTestId(`prune-item-${UNKNOWN_KEPT}`).textContent()).resolves.toMatch(/Unknown.*Kept unless ticked/);
    await expect(items.getByText(backupId).count()).resolves.toBe(0);
    // A dry run removes nothing.
    expect(await readdir(mas)).toEqual(expect.arrayContaining([LOCK_ASIDE, TEMPORARY, UNKNOWN_TICKED, UNKNOWN_KEPT]));
    await expect(dialog.getByTestId('prune-review').textContent()).resolves.toBe('Remove 2 entries…');

    await dialog.getByTestId(`prune-tick-${UNKNOWN_TICKED}`).check();
    await expect(dialog.getByTestId('prune-review').textContent()).resolves.toBe('Remove 3 entries…');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'prune-dry-run');
    await dialog.getByTestId('prune-review').click();
    const confirm = dialog.getByTestId('prune-confirm');
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toContain(`${TEMPORARY}, ${LOCK_ASIDE}, ${UNKNOWN_TICKED} will be removed`);
    expect(await readdir(mas)).toContain(LOCK_ASIDE);
    await screenshot(page, 'prune-confirm');

    await dialog.getByTestId('prune-run').click();
    await dialog.getByTestId('prune-done').waitFor({ timeout: 60_000 });
    await expect(dialog.getByTestId('prune-done').textContent()).resolves.toContain('3 entries removed');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'prune-done');
    const left = await readdir(mas);
    expect(left).not.toContain(LOCK_ASIDE);
    expect(left).not.toContain(TEMPORARY);
    expect(left).not.toContain(UNKNOWN_TICKED);
    expect(left).toEqual(expect.arrayContaining([backupId, UNKNOWN_KEPT]));
    expect(await readdir(server.shareDir)).toContain('20261031T230000Z-dead02.partial');

    await dialog.getByTestId('prune-close').click();
    await dialog.waitFor({ state: 'hidden' });
    // The list is read again: the removed Unknown entry has left the grid, the other stays.
    await page.getByTestId(`backup-row-${UNKNOWN_TICKED}`).waitFor({ state: 'detached', timeout: 30_000 });
    await expect(page.getByTestId(`backup-row-${UNKNOWN_KEPT}`).count()).resolves.toBe(1);
    await expect(page.getByTestId(`backup-row-${backupId}`).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("refused while a backup runs: the engine's message, nothing removed", async () => {
    expect((await cli(['--config-dir', config, 'sources', 'add', 'waits', '--command', 'sleep 600'])).code).toBe(0);
    // A backup's start cleans lock litter itself: an Unknown entry the operator ticks is what stays to prune.
    await mkdir(join(mas, UNKNOWN_TICKED));
    execFileSync('chown', ['-R', SAMBA_TEST_UNIX_USER, mas]);
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('command-backup-now').click();
    await page
      .getByTestId('job-progress')
      .getByText(/: running$/)
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('command-prune').click();
    const dialog = page.getByRole('dialog', { name: 'Prune the share' });
    await dialog.getByTestId(`prune-tick-${UNKNOWN_TICKED}`).check({ timeout: 30_000 });
    await dialog.getByTestId('prune-review').click();
    await dialog.getByTestId('prune-run').click();
    const refusal = dialog.getByTestId('prune-error');
    await refusal.waitFor({ timeout: 60_000 });
    await expect(refusal.textContent()).resolves.toMatch(/backup/i);
    await screenshot(page, 'prune-refused');
    expect(await readdir(mas)).toContain(UNKNOWN_TICKED);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('cancel-backup').click();
    await page.getByTestId('job-cancelled').waitFor({ timeout: 60_000 });
    expect(problems).toEqual([]);
    await page.close();
  });
});
