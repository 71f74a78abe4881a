import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { openConsole, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';

const PASSWORD = 'Sh4re-Pa55word-e2e';

describe('Configuration in Chromium (steps 3–10 of the source document)', () => {
  let browser: Browser;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let cerBase64: string;
  let thumbprint: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    // A certificate made by OpenSSL, not by us: DER .cer, public part only.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(temp.path, 'key.pem'),
        '-out',
        join(temp.path, 'cert.pem'),
        '-subj',
        '/CN=backup.e2e.contoso.com',
        '-days',
        '30',
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', ['x509', '-in', join(temp.path, 'cert.pem'), '-outform', 'der', '-out', join(temp.path, 'backup.cer')]);
    cerBase64 = (await readFile(join(temp.path, 'backup.cer'))).toString('base64');
    thumbprint = execFileSync('openssl', ['x509', '-in', join(temp.path, 'cert.pem'), '-noout', '-fingerprint', '-sha1'])
      .toString()
      .split('=')[1]!
      .trim()
      .replace(/:/g, '');
    running = await startWebConsole(join(temp.path, 'config'));
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  it('shows field errors as you type', async () => {
    const { page } = await openConsole(browser, running, '#/configuration');
    await page.locator('#cfg-location').fill('\\\\fileserver01\\share\\..\\etc');
    await page.locator('#cfg-frequency').fill('13');
    await page.locator('#cfg-frequency').blur();
    await expect(
      page
        .getByText(/Frequency in hours must be/)
        .first()
        .textContent({ timeout: 10_000 }),
    ).resolves.toMatch(/4/);
    await expect(page.getByText(/\.\./).first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'configuration-field-errors.png'), fullPage: true });
    await page.close();
  });

  it('a .cer dropped on the zone shows its thumbprint; OK saves; Essentials shows it; a reload shows "password set" and no password', async () => {
    const { page, problems } = await openConsole(browser, running, '#/configuration');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const binary = atob(b64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'backup.cer', { type: 'application/pkix-cert' }));
      return transfer;
    }, cerBase64);
    await page.dispatchEvent('[data-testid=certificate-drop]', 'drop', { dataTransfer });
    await page.locator('[data-testid=certificate-thumbprint]', { hasText: thumbprint }).waitFor({ timeout: 10_000 });

    await page.locator('#cfg-location').fill('\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc');
    await page.locator('#cfg-username').fill('CONTOSO\\backupshareuser');
    await page.locator('#cfg-password').fill(PASSWORD);
    await page.locator('#cfg-password-confirm').fill(PASSWORD);
    await page.getByTestId('save').click();
    await page.getByTestId('saved').waitFor({ timeout: 15_000 });

    await page.evaluate(() => (window.location.hash = '#/essentials'));
    // Essentials may first show its previous state; wait for the refresh rather than read at once.
    await page.locator('[data-testid=essentials-thumbprint]', { hasText: thumbprint }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('essentials-location').textContent()).resolves.toContain('AzSBackups');
    await page.screenshot({ path: join(SCREENSHOTS, 'essentials-configured.png'), fullPage: true });

    await page.reload();
    await page.evaluate(() => (window.location.hash = '#/configuration'));
    await page.getByText('Password set. Leave empty to keep it.').waitFor({ timeout: 10_000 });
    expect(await page.locator('#cfg-password').inputValue()).toBe('');
    expect(await page.content()).not.toContain(PASSWORD);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Disable / Enable Automatic Backups shows in Essentials and on the timeline', async () => {
    const { page } = await openConsole(browser, running, '#/essentials');
    await page.getByTestId('disable-automatic').click();
    await page.locator('[data-testid=essentials-automatic]', { hasText: /^Disabled since/ }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('essentials-next').textContent()).resolves.toBe('—');
    await page.getByTestId('enable-automatic').click();
    await page.locator('[data-testid=essentials-automatic]', { hasText: /^Enabled$/ }).waitFor({ timeout: 10_000 });
    expect(Date.parse((await page.getByTestId('essentials-next').textContent()) ?? '')).not.toBeNaN();
    await page.evaluate(() => (window.location.hash = '#/timeline'));
    const timeline = page.getByTestId('timeline');
    await timeline
      .getByText(/Automatic backups disabled/i)
      .first()
      .waitFor({ timeout: 10_000 });
    await timeline
      .getByText(/Automatic backups enabled/i)
      .first()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-schedule.png'), fullPage: true });
    await page.close();
  });
});
