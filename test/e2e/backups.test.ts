import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { goTo, openConsoleIn, SCREENSHOTS, consoleInChromium, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { cli } from '../support/cli';
import { PFX_PASSWORD, testCertificate } from '../support/backup-fixtures';

describe('Backups in Chromium: Backup now, the grid, verify and restore with progress', () => {
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let pfxPath: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    const config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    pfxPath = join(temp.path, 'backup.pfx');
    await writeFile(cer, testCertificate().cerDer);
    await writeFile(pfxPath, testCertificate().pfxDer);
    // A local-folder location (trial use) and the bundled sample stamp as sources.
    const set = await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer]);
    expect(set.code, set.err).toBe(0);
    ({ running, browser, context } = await consoleInChromium(config));
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('Backup now produces a Succeeded backup of the sample stamp that verifies', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('command-backup-now').click();
    const table = page.getByTestId('backups-table');
    await table.getByText('Succeeded').waitFor({ timeout: 30_000 });
    await expect(table.getByText('On demand').count()).resolves.toBe(1);

    await table.getByRole('button', { name: /^Verify backup/ }).click();
    const dialog = page.getByRole('dialog', { name: /^Verify backup/ });
    await dialog.waitFor();
    // A certificate-encrypted backup offers its .pfx, never a legacy key.
    await expect(dialog.textContent()).resolves.not.toContain('legacy');
    await page.getByTestId('verify-run').click();
    await page.getByTestId('verify-result').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('verify-result').textContent()).resolves.toContain('Backup verified');
    await expect(page.getByTestId('verify-signer').textContent()).resolves.toBe('Signer: Signed by this console.');
    for (const component of ['identity', 'certificate-authority', 'resource-manager', 'keyvault', 'rbac'])
      await dialog.getByText(component, { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'verify-result-1366x768.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the station's signing public key is shown beside the certificate and on the keys page, as the engine has it", async () => {
    const { page, problems } = await openConsoleIn(context, running, '#/configuration');
    const shown = page.getByTestId('signing-public-key');
    await shown.waitFor({ timeout: 15_000 });
    const settings = JSON.parse((await cli(['--json', '--config-dir', join(temp.path, 'config'), 'config', 'show'])).out) as {
      signingPublicKey: string;
    };
    expect(settings.signingPublicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await expect(shown.textContent()).resolves.toContain(settings.signingPublicKey);
    await page.getByTestId('cancel-configuration').click();
    await goTo(page, '#/keys');
    await expect(page.getByTestId('keys-signing-public-key').textContent()).resolves.toContain(settings.signingPublicKey);
    await expect(page.getByTestId('certificate-history').textContent()).resolves.toContain('Signed by');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Restore takes one component from the manifest into an empty folder, after a confirmation', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    const table = page.getByTestId('backups-table');
    await table
      .getByRole('button', { name: /^Restore backup/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: /^Restore backup/ });
    await dialog.waitFor();
    const components = page.getByLabel('Component');
    await components.locator('option', { hasText: 'keyvault' }).waitFor({ state: 'attached' });
    expect(await components.locator('option').allTextContents()).toEqual([
      'All components (5)',
      expect.stringMatching(/^identity \(/),
      expect.stringMatching(/^certificate-authority \(/),
      expect.stringMatching(/^resource-manager \(/),
      expect.stringMatching(/^keyvault \(/),
      expect.stringMatching(/^rbac \(/),
    ]);

    // Restore… without the required fields flags them all.
    await page.getByTestId('restore-review').click();
    expect(await dialog.locator('[data-field-error]').count()).toBe(3);

    await components.selectOption('keyvault');
    const target = join(temp.path, 'restored');
    await page.getByLabel('Target folder').fill(target);
    await page.getByTestId('restore-pfx-drop-input').setInputFiles(pfxPath);
    await page.getByLabel('.pfx password').fill(PFX_PASSWORD);
    await page.getByTestId('restore-review').click();
    await expect(page.getByTestId('restore-confirm').textContent()).resolves.toContain('the component "keyvault"');
    await page.screenshot({ path: join(SCREENSHOTS, 'restore-confirm-1366x768.png') });
    await page.getByTestId('restore-confirm-run').click();
    await page.getByTestId('restore-result').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('restore-signer').textContent()).resolves.toBe('Signer: Signed by this console.');
    await page.screenshot({ path: join(SCREENSHOTS, 'restore-result-1366x768.png') });
    // The one component, and the restore's completion marker beside it.
    expect((await readdir(target)).filter((name) => !name.startsWith('.'))).toEqual(['keyvault']);
    expect(await page.content()).not.toContain(PFX_PASSWORD);
    await page.getByRole('button', { name: 'Close', exact: true }).last().click();
    await dialog.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a backup's details list its components; the name opens them", async () => {
    const { page } = await openConsoleIn(context, running);
    await page
      .getByTestId('backups-table')
      .getByRole('button', { name: /^Details of backup/ })
      .first()
      .click();
    const dialog = page.getByTestId('details-dialog');
    await dialog.getByText('rbac', { exact: true }).waitFor();
    await expect(dialog.textContent()).resolves.toContain('Encrypted with');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.close();
  });

  it('Pause backups asks until when and why, shows the pause and its alert, asks before Backup now; Resume ends it', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('command-pause').click();
    const dialog = page.getByRole('dialog', { name: 'Pause backups' });
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill('Azure Stack Hub update 2411');
    await page.getByTestId('pause-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(page.getByTestId('essentials-paused').textContent()).resolves.toContain('Azure Stack Hub update 2411');

    await page.getByTestId('command-backup-now').click();
    const confirm = page.getByRole('dialog', { name: 'Back up while paused?' });
    await confirm.waitFor();
    await page.getByTestId('paused-backup-cancel').click();
    await confirm.waitFor({ state: 'hidden' });

    await goTo(page, '#/alerts');
    await page.getByText('Infrastructure backups are paused.').waitFor();
    await goTo(page, '#/overview');
    await page.getByTestId('command-resume').click();
    await page.getByTestId('command-pause').waitFor();
    await expect(page.getByTestId('essentials-paused').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
