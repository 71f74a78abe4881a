import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { goTo, openConsoleIn, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { cli } from '../support/cli';
import { testCertificate } from '../support/backup-fixtures';
import { makeTestPki, type TestPki } from '../support/stamp-mock/test-pki';
import { startWebhookReceiver } from '../support/https-receiver';
import { axeViolations } from './support/axe';
import { focused, tabTo } from './support/keyboard';

const SECRET = 'e2e-webhook-signing-secret-77';

/**
 * The Notifications dialog in the real web console: reached from the
 * Configuration panel, axe-clean in both themes, set up with the keyboard
 * only, and Send test showing each channel's result from a real HTTPS receiver.
 */
describe('Notifications dialog', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let pki: TestPki;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let running: RunningWebConsole;
  let browser: Browser;

  beforeAll(async () => {
    temp = await makeTempDir();
    pki = makeTestPki();
    receiver = await startWebhookReceiver(pki, SECRET, () => Math.floor(Date.now() / 1000));
    const config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    const set = await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer]);
    expect(set.code, set.err).toBe(0);
    running = await startWebConsole(config);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await receiver?.close();
    await temp?.remove();
  });

  it('is set up with the keyboard, sends a signed test, and shows each channel’s result', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const { page, problems } = await openConsoleIn(context, running);
    await page.locator('html[data-interactive]').waitFor({ timeout: 15_000 });
    await goTo(page, '#/configuration');
    await page.getByTestId('current-certificate').waitFor();
    await page.getByTestId('open-notifications').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Notifications' });
    await dialog.waitFor();

    // Keyboard only: from the webhook URL, type each field, Tab onwards.
    await page.locator('#notify-webhook-url').focus();
    await page.keyboard.type(receiver.url);
    await tabTo(page, (f) => f.id === 'notify-webhook-secret');
    await page.keyboard.type(SECRET);
    await tabTo(page, (f) => f.id === 'notify-webhook-ca');
    await page.keyboard.insertText(pki.caPem);
    await tabTo(page, (f) => f.testId === 'save-webhook');
    expect((await focused(page)).outline).not.toMatch(/^none/);
    await page.keyboard.press('Enter');
    await dialog.getByText('Webhook settings saved.').waitFor();
    await expect(page.locator('#notify-webhook-secret-hint').textContent()).resolves.toBe('Secret set. Leave empty to keep it.');
    expect(await page.locator('#notify-webhook-secret').inputValue()).toBe('');

    await tabTo(page, (f) => f.testId === 'send-test');
    await page.keyboard.press('Enter');
    const result = page.getByTestId('notify-test-result');
    await result.waitFor();
    await expect(page.getByTestId('test-result-webhook').textContent()).resolves.toContain(
      `Webhook: sent — Delivered to ${new URL(receiver.url).origin}`,
    );
    // No /dev/log here: the system log says why, next to the webhook's success.
    await expect(page.getByTestId('test-result-system-log').textContent()).resolves.toContain(
      'System log: failed — There is no system log socket',
    );
    await expect(page.getByTestId('webhook-status').textContent()).resolves.toMatch(/^Last delivery: Delivered · last attempt /);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]!.verified).toBe(true);

    // A field the engine refuses is named under the field.
    await page.locator('#notify-email-host').fill('smtp.contoso.com');
    await page.locator('#notify-email-from').fill('not an address');
    await page.locator('#notify-email-to').fill('ops@contoso.com');
    await page.getByTestId('save-email').click();
    await page.locator('#notify-email-from-error').waitFor();
    expect(await page.locator('#notify-email-from').getAttribute('aria-invalid')).toBe('true');

    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page), colorScheme).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `dialog-notifications-${colorScheme}-1366x768.png`) });
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
    await context.close();
  });
});
