/**
 * Test connection tests the form, not the saved settings (issue 10.1), in
 * Chromium against a real Samba server: before the first save, a share name
 * the server does not have is red with category path — never green — and OK
 * runs the same test first, offering "Save anyway" or "Back"; Back saves
 * nothing. The right share passes, naming the location it tested, and OK
 * saves it at once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testCertificate } from '../support/backup-fixtures';
import { cli } from '../support/cli';
import { startSamba, type SambaServer } from '../support/samba';
import { openConsoleIn, consoleInChromium, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { screenshot } from './support/screenshot';

describe('Test connection and OK in Chromium, against a real Samba server', () => {
  let server: SambaServer;
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    ({ running, browser, context } = await consoleInChromium(config));
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await server?.stop();
    await temp?.remove();
  });

  const configured = async (): Promise<boolean> =>
    (JSON.parse((await cli(['--json', '--config-dir', config, 'config', 'show'])).out) as { configured: boolean }).configured;

  async function typeLocation(page: Page, location: string): Promise<void> {
    await page.locator('#cfg-location').fill(location);
  }

  it('a share the server does not have: red with category path before the first save; OK offers Save anyway or Back; Back saves nothing', async () => {
    const typo = `\\\\${server.host}\\nosuchshare\\typo`;
    const { page, problems } = await openConsoleIn(context, running, '#/configuration');
    await page.waitForFunction(() => document.activeElement?.id === 'cfg-location');
    await typeLocation(page, typo);
    await page.locator('#cfg-username').fill(`${server.workgroup}\\${server.username}`);
    await page.locator('#cfg-password').fill(server.password);
    await page.locator('#cfg-password-confirm').fill(server.password);
    await page.locator('#cfg-smb-port').fill(String(server.port));
    await page
      .getByTestId('certificate-drop-input')
      .setInputFiles({ name: 'backup.cer', mimeType: 'application/pkix-cert', buffer: testCertificate().cerDer });
    await page.getByTestId('certificate-preview').waitFor({ timeout: 10_000 });

    // Test connection, before anything is saved: it tests what is typed.
    await page.getByTestId('test-connection').click();
    const result = page.getByTestId('test-result');
    await result.waitFor({ timeout: 30_000 });
    const text = (await result.textContent()) ?? '';
    expect(text).toContain(`${typo} (port ${server.port}) failed the connection test`);
    expect(text).not.toContain('reachable and writable');
    await expect(result.getByTestId('test-category').textContent()).resolves.toMatch(/^\s*Category: path — /);
    expect(await result.evaluate((notice) => notice.classList.contains('notice--error'))).toBe(true);
    await screenshot(page, 'configuration-test-failed');

    // OK tests again, and asks before saving a share that failed.
    await page.getByTestId('save').click();
    const dialog = page.getByRole('dialog', { name: 'Save settings that failed the connection test?' });
    await dialog.waitFor({ timeout: 30_000 });
    await expect(dialog.getByTestId('test-category').textContent()).resolves.toMatch(/Category: path/);
    await expect(dialog.getByTestId('confirm-save').textContent()).resolves.toBe('Save anyway');
    await expect(dialog.getByTestId('confirm-back').textContent()).resolves.toBe('Back');
    await screenshot(page, 'configuration-save-anyway');
    await dialog.getByTestId('confirm-back').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(page.getByTestId('save-failed').textContent()).resolves.toMatch(/^Nothing was saved\./);
    expect(await configured()).toBe(false);
    // Back to the form as typed, to correct it.
    expect(await page.locator('#cfg-location').inputValue()).toBe(typo);
    expect(await page.locator('#cfg-password').inputValue()).toBe(server.password);

    // The right share passes, naming the location it tested, and OK saves it without asking.
    await typeLocation(page, server.uncPath);
    await expect(page.getByTestId('test-result').count()).resolves.toBe(0);
    await page.getByTestId('test-connection').click();
    await page
      .getByTestId('test-result')
      .getByText(`${server.uncPath} (port ${server.port}) is reachable and writable`)
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('save').click();
    await page.getByTestId('saved').waitFor({ timeout: 30_000 });
    await screenshot(page, 'configuration-test-passed');
    expect(await dialog.count()).toBe(0);
    expect(await configured()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
