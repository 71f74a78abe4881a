import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { focused, tabTo } from './support/keyboard';
import { goTo, openConsoleIn, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';

const PASSWORD = 'Sh4re-Pa55word-e2e';
const LOCATION = '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc';

describe('Configuration in Chromium (steps 3–10 of the source document), with the keyboard', () => {
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let cerPath: string;
  let thumbprint: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    // A certificate made by OpenSSL, not by us: DER .cer, public part only.
    const pem = join(temp.path, 'cert.pem');
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
        pem,
        '-subj',
        '/CN=backup.e2e.contoso.com',
        '-days',
        '30',
      ],
      { stdio: 'ignore' },
    );
    cerPath = join(temp.path, 'backup.cer');
    execFileSync('openssl', ['x509', '-in', pem, '-outform', 'der', '-out', cerPath]);
    thumbprint = execFileSync('openssl', ['x509', '-in', pem, '-noout', '-fingerprint', '-sha1'])
      .toString()
      .split('=')[1]!
      .trim()
      .replace(/:/g, '');
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

  const focusIs = async (page: Page, id: string): Promise<void> => expect((await focused(page)).id).toBe(id);

  it('opens from the navigation with Enter, flags every missing field on OK, walks the fields in order and saves', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    // Listening first: Playwright takes over the file chooser only once it is asked to, which takes a round trip.
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('not-configured').waitFor({ timeout: 15_000 });
    await tabTo(page, (focus) => focus.testId === 'nav-configuration');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'cfg-location');
    expect(await page.title()).toBe('Backup controller settings · Infrastructure Backup Console');
    expect(await page.getByRole('dialog', { name: 'Backup controller settings' }).count()).toBe(1);

    // OK with nothing typed (Enter submits the form): all five missing fields at once, focus on the first.
    await page.keyboard.press('Enter');
    await page.getByTestId('save-failed').waitFor();
    await expect(page.getByTestId('save-failed').textContent()).resolves.toBe('5 fields need attention before saving.');
    expect(await page.locator('[data-field-error]').count()).toBe(5);
    await focusIs(page, 'cfg-location');
    // Labels are linked to their inputs; required marks only where required.
    await expect(page.getByLabel('Backup storage location').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await page.locator('label[for=cfg-smb-port] .field__required').count()).toBe(0);
    expect(await page.locator('label[for=cfg-location] .field__required').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'configuration-missing-fields-1366x768.png') });

    // The source document's order, one Tab at a time.
    await page.keyboard.type(LOCATION);
    await page.keyboard.press('Tab');
    await focusIs(page, 'cfg-username');
    await page.keyboard.type('CONTOSO\\backupshareuser');
    await page.keyboard.press('Tab');
    await focusIs(page, 'cfg-password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    await focusIs(page, 'cfg-password-confirm');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    await focusIs(page, 'cfg-frequency');
    await page.keyboard.press('Tab');
    await focusIs(page, 'cfg-retention');
    await page.keyboard.press('Tab');
    await focusIs(page, 'cfg-certificate');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles(cerPath);
    await page.locator('[data-testid=certificate-thumbprint]', { hasText: thumbprint }).waitFor({ timeout: 10_000 });
    await tabTo(page, (focus) => focus.id === 'cfg-smb-port');
    await tabTo(page, (focus) => focus.testId === 'save');
    await page.keyboard.press('Enter');
    // OK tests a new share first: this one does not exist, so the panel asks; Save anyway saves it as typed.
    const failedTest = page.getByRole('dialog', { name: 'Save settings that failed the connection test?' });
    await failedTest.waitFor({ timeout: 60_000 });
    await failedTest.getByTestId('confirm-save').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('saved').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'configuration-saved-1366x768.png') });

    // After saving, the certificate field shows the thumbprint, with Replace certificate beside it.
    await expect(page.getByTestId('current-certificate').textContent()).resolves.toContain(thumbprint);
    await expect(page.getByTestId('replace-certificate').isVisible()).resolves.toBe(true);

    // Esc closes the panel and gives the focus back to where it was opened.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'nav-configuration');
    await page.getByTestId('essentials-thumbprint').filter({ hasText: thumbprint }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('essentials-location').textContent()).resolves.toContain('AzSBackups');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks before discarding unsaved changes (a typed password included); Esc keeps editing', async () => {
    const { page, problems } = await openConsoleIn(context, running, '#/configuration');
    await page.waitForFunction(() => document.activeElement?.id === 'cfg-location');
    await expect(page.getByText('Password set. Leave empty to keep it.').isVisible()).resolves.toBe(true);
    expect(await page.locator('#cfg-password').inputValue()).toBe('');
    expect(await page.content()).not.toContain(PASSWORD);

    await tabTo(page, (focus) => focus.id === 'cfg-password');
    await page.keyboard.type('not saved yet');
    await page.keyboard.press('Escape');
    const guard = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await guard.waitFor();
    expect(await guard.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'configuration-unsaved-changes-1366x768.png') });

    await page.keyboard.press('Escape');
    await guard.waitFor({ state: 'hidden' });
    expect(await page.locator('#cfg-password').inputValue()).toBe('not saved yet');

    await page.keyboard.press('Escape');
    await guard.waitFor();
    await tabTo(page, (focus) => focus.testId === 'discard-changes');
    await page.keyboard.press('Enter');
    await page.getByTestId('configuration-panel').waitFor({ state: 'hidden' });
    expect(page.url()).toMatch(/#\/overview$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Disable / Enable automatic backups shows in Essentials and, in words, on the timeline', async () => {
    const { page, problems } = await openConsoleIn(context, running);
    await page.getByTestId('command-disable-automatic').click();
    await page.locator('[data-testid=essentials-automatic]', { hasText: /^Disabled since/ }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('essentials-next').textContent()).resolves.toBe('None: automatic backups are disabled');
    await page.getByTestId('command-enable-automatic').click();
    await page.locator('[data-testid=essentials-automatic]', { hasText: /^Enabled$/ }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('essentials-next').textContent()).resolves.toMatch(/^in \d+ hours/);
    await goTo(page, '#/timeline');
    const rows = page.getByTestId('timeline-rows');
    await rows.getByText('Automatic backups disabled', { exact: true }).first().waitFor({ timeout: 10_000 });
    await rows.getByText('Automatic backups enabled', { exact: true }).first().waitFor({ timeout: 10_000 });
    expect(await rows.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    await page.screenshot({ path: join(SCREENSHOTS, 'timeline-schedule-1366x768.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a dropped .pfx is refused with the file name, the reason and what to do', async () => {
    const { page } = await openConsoleIn(context, running, '#/configuration');
    await page.getByTestId('replace-certificate').click();
    const pem = await readFile(join(temp.path, 'key.pem'));
    const dataTransfer = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'backup-with-key.pem'));
      return transfer;
    }, pem.toString());
    await page.dispatchEvent('[data-testid=certificate-drop]', 'drop', { dataTransfer });
    const error = page.locator('#cfg-certificate-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toMatch(/backup-with-key\.pem was not accepted: .*private key/i);
    await page.close();
  });
});
