import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { goTo, openConsoleIn, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';
import { cli } from '../support/cli';
import { PFX_PASSWORD, testCertificate } from '../support/backup-fixtures';
import { axeViolations, type AxeFinding } from './support/axe';

const DAY_MS = 86_400_000;

/** Every page and every dialog of a configured console with backups, each reached the way an operator would. */
interface View {
  name: string;
  open(page: Page): Promise<void>;
  close(page: Page): Promise<void>;
}

const escape = async (page: Page): Promise<void> => {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => ![...document.querySelectorAll('[role=dialog]')].some((dialog) => dialog.checkVisibility()));
};
const page_ = (hash: string): Pick<View, 'open' | 'close'> => ({ open: (page) => goTo(page, hash), close: async () => undefined });
const dialog = (page: Page, name: string | RegExp) => page.getByRole('dialog', { name });

const VIEWS: View[] = [
  {
    name: 'overview',
    open: async (page) => {
      await goTo(page, '#/overview');
      await page.getByTestId('backups-table').getByText('Succeeded').first().waitFor();
    },
    close: async () => undefined,
  },
  {
    name: 'configuration',
    open: async (page) => {
      await goTo(page, '#/configuration');
      await page.getByTestId('current-certificate').waitFor();
    },
    close: async () => undefined,
  },
  {
    name: 'dialog-retention-confirmation',
    open: async (page) => {
      await page.locator('#cfg-retention').fill('2');
      await page.getByTestId('save').click();
      await page.getByTestId('confirm-list').waitFor();
    },
    close: async (page) => {
      await page.getByTestId('confirm-back').click();
      await page.getByTestId('confirm-list').waitFor({ state: 'hidden' });
    },
  },
  {
    name: 'dialog-unsaved-changes',
    open: async (page) => {
      await page.locator('#cfg-frequency').fill('6');
      await page.getByTestId('cancel-configuration').click();
      await dialog(page, 'Discard unsaved changes?').waitFor();
    },
    close: async (page) => {
      await page.getByTestId('discard-changes').click();
      await page.getByTestId('configuration-panel').waitFor({ state: 'hidden' });
    },
  },
  {
    name: 'dialog-backup-details',
    open: async (page) => {
      await page
        .getByRole('button', { name: /^Details of backup/ })
        .first()
        .click();
      await page.getByTestId('details-dialog').getByText('rbac', { exact: true }).waitFor();
    },
    close: escape,
  },
  {
    name: 'dialog-verify',
    open: async (page) => {
      await page
        .getByRole('button', { name: /^Verify backup/ })
        .first()
        .click();
      await dialog(page, /^Verify backup/).waitFor();
      await page.getByText('Decrypt and authenticate every chunk').click();
      await page.getByTestId('verify-run').click();
      await dialog(page, /^Verify backup/)
        .locator('[data-field-error]')
        .first()
        .waitFor();
    },
    close: escape,
  },
  {
    name: 'dialog-verify-result',
    open: async (page) => {
      await page
        .getByRole('button', { name: /^Verify backup/ })
        .first()
        .click();
      await page.getByTestId('verify-run').click();
      await page.getByTestId('verify-result').waitFor();
    },
    close: escape,
  },
  {
    name: 'dialog-restore',
    open: async (page) => {
      await page
        .getByRole('button', { name: /^Restore backup/ })
        .first()
        .click();
      await page.getByLabel('Component').locator('option', { hasText: 'rbac' }).waitFor({ state: 'attached' });
    },
    close: async () => undefined,
  },
  {
    name: 'dialog-restore-confirmation',
    open: async (page) => {
      await page.getByLabel('Target folder').fill('/srv/restore/never-written');
      await page
        .getByTestId('restore-pfx-drop-input')
        .setInputFiles({ name: 'recovery.pfx', mimeType: 'application/x-pkcs12', buffer: testCertificate().pfxDer });
      await page.getByLabel('.pfx password').fill(PFX_PASSWORD);
      await page.getByTestId('restore-review').click();
      await page.getByTestId('restore-confirm').waitFor();
    },
    close: escape,
  },
  { name: 'sources', ...page_('#/sources') },
  {
    name: 'timeline',
    open: async (page) => {
      await goTo(page, '#/timeline');
      await page
        .getByTestId('timeline-rows')
        .getByText(/^Backup succeeded/)
        .first()
        .waitFor();
    },
    close: async () => undefined,
  },
  { name: 'keys', ...page_('#/keys') },
  {
    name: 'keys-certificate-created',
    open: async (page) => {
      await page.getByLabel('DNS name').fill('backup.contoso.com');
      await page.locator('#keys-pfx-password').fill(PFX_PASSWORD);
      await page.getByLabel('Confirm .pfx password').fill(PFX_PASSWORD);
      await page.getByTestId('generate-certificate').click();
      await page.getByTestId('generated-certificate').waitFor({ timeout: 30_000 });
    },
    close: async () => undefined,
  },
  {
    name: 'dialog-check-recovery-key',
    open: async (page) => {
      await page.getByTestId('check-recovery-key').click();
      await dialog(page, 'Check my recovery key').waitFor();
      await page
        .getByTestId('check-pfx-drop-input')
        .setInputFiles({ name: 'recovery.pfx', mimeType: 'application/x-pkcs12', buffer: testCertificate().pfxDer });
      await page.locator('#check-pfx-password').fill(PFX_PASSWORD);
      await page.getByTestId('check-key-run').click();
      await page.getByTestId('check-key-result').waitFor();
    },
    close: escape,
  },
  { name: 'alerts', ...page_('#/alerts') },
];

describe('every page and dialog: axe-core (light and dark) and screenshots at 1366×768 and 1920×1080', () => {
  let browser: Browser;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    temp = await makeTempDir();
    const config = join(temp.path, 'config');
    const share = join(temp.path, 'share');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    const set = await cli(['--config-dir', config, 'config', 'set', '--path', share, '--cert', cer, '--retention', '14']);
    expect(set.code, set.err).toBe(0);
    // One backup ten days old, so that a shorter retention period has something to delete: made by
    // this console (signed by its station key) under a clock ten days behind, then two of today.
    process.env.IBC_TEST_CLOCK_OFFSET_MS = String(-10 * DAY_MS);
    try {
      const aged = await cli(['--config-dir', config, 'backup', 'start', '--wait']);
      expect(aged.code, aged.err).toBe(0);
    } finally {
      delete process.env.IBC_TEST_CLOCK_OFFSET_MS;
    }
    for (let i = 0; i < 2; i++) {
      const backup = await cli(['--config-dir', config, 'backup', 'start', '--wait']);
      expect(backup.code, backup.err).toBe(0);
    }
    running = await startWebConsole(config);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await temp?.remove();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`${colorScheme}: no critical or serious violation on any page or dialog`, async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme });
      const { page, problems } = await openConsoleIn(context, running);
      await page.locator('html[data-interactive]').waitFor({ timeout: 15_000 });
      const violations: Record<string, AxeFinding[]> = {};
      for (const view of VIEWS) {
        await view.open(page);
        const found = await axeViolations(page);
        if (found.length > 0) violations[view.name] = found;
        await page.screenshot({ path: join(SCREENSHOTS, `${view.name}-${colorScheme}-1366x768.png`) });
        if (colorScheme === 'light') {
          await page.setViewportSize({ width: 1920, height: 1080 });
          await page.screenshot({ path: join(SCREENSHOTS, `${view.name}-${colorScheme}-1920x1080.png`) });
          await page.setViewportSize({ width: 1366, height: 768 });
        }
        await view.close(page);
      }
      expect(violations).toEqual({});
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
