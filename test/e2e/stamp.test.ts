/**
 * The stamp blade in Chromium, served by the real web host, against the mock
 * stamp: switch the target, connect (enterprise root CA from a PEM file, a
 * device code the "operator" approves), configure with the console's own
 * rules, back up now and watch it on the timeline, toggle automatic backups,
 * read a backup's role status and the Restore-AzsBackup command, prune after
 * a dry run — with axe-core finding no critical or serious violation on the
 * way, light and dark.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateSelfSignedCertificate } from '../../main/engine/certificates';
import { launchChromium } from '../support/chromium';
import { openConsoleIn, SCREENSHOTS, startWebConsole, type RunningWebConsole } from '../support/web-console';
import { axeViolations } from './support/axe';
import { EXAMPLE_PRUNABLE, startStampMock, type StampMock } from '../support/stamp-mock';
import { makeTempDir } from '../support/temp-dir';

const SHARE_PASSWORD = 'Stamp-Sh4re-e2e';

describe('the stamp blade in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let running: RunningWebConsole;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let stamp: StampMock;
  let page: Page;
  let problems: string[];
  let caFile: string;
  let cerFile: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    stamp = await startStampMock({ identity: 'adfs', configured: false });
    // The operator signs in on another device: the test approves the code the page shows.
    stamp.identity.autoApprove = false;
    caFile = join(temp.path, 'contoso-root-ca.pem');
    await writeFile(caFile, stamp.pki.caPem);
    cerFile = join(temp.path, 'backup.cer');
    await writeFile(cerFile, generateSelfSignedCertificate({ dnsName: 'backup.contoso.com', pfxPassword: 'pfx password 123' }).cerDer);
    running = await startWebConsole(join(temp.path, 'config'));
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    ({ page, problems } = await openConsoleIn(context, running));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.stop();
    await stamp?.close();
    await temp?.remove();
  });

  it('switches the target to the stamp and connects with a device code and the enterprise root CA', async () => {
    await page.getByTestId('target-stamp').click();
    await page.waitForURL(/#\/stamp$/);
    await page.getByTestId('stamp-connect').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Admin endpoint').fill(stamp.url);
    await page.getByLabel('Region (optional)').fill('local');
    await page.getByText('Also an enterprise root CA (PEM file)').click();
    await page.getByLabel('Add root CA').setInputFiles(caFile);
    await page.getByTestId('stamp-connect-submit').click();
    const code = (await page.getByTestId('stamp-user-code').textContent({ timeout: 30_000 }))?.trim() ?? '';
    expect(stamp.identity.pendingUserCodes()).toEqual([code]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'stamp-sign-in.png') });
    stamp.identity.approve(code);
    await expect(page.getByTestId('stamp-not-configured').textContent({ timeout: 30_000 })).resolves.toContain('not configured');
  });

  it('configures the stamp with the console’s rules, naming the API fields', async () => {
    await page.getByTestId('command-stamp-configure').click();
    const form = page.getByTestId('stamp-settings');
    await form.getByLabel('Backup storage location (path)').fill('/srv/local-folder');
    await form.getByLabel('Frequency in hours (backupFrequencyInHours)').fill('13');
    await form.getByLabel('Frequency in hours (backupFrequencyInHours)').blur();
    await expect(form.getByText('must be a UNC path').count()).resolves.toBeGreaterThan(0);
    await expect(form.getByText('from 4 to 12 hours').count()).resolves.toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await form.getByLabel('Backup storage location (path)').fill('\\\\fileserver01.contoso.com\\AzSBackups');
    await form.getByLabel('Username (userName)').fill('CONTOSO\\backupshareuser');
    await form.getByLabel('Password', { exact: true }).fill(SHARE_PASSWORD);
    await form.getByLabel('Confirm password').fill(SHARE_PASSWORD);
    await form.getByLabel('Frequency in hours (backupFrequencyInHours)').fill('6');
    await form.getByLabel('Retention period in days (backupRetentionPeriodInDays)').fill('7');
    await form.getByLabel('Encryption certificate (.cer, public key only)').setInputFiles(cerFile);
    await page.getByTestId('stamp-settings-save').click();
    await page.getByTestId('stamp-path').filter({ hasText: '\\\\fileserver01.contoso.com\\AzSBackups' }).waitFor({ timeout: 30_000 });
    expect(stamp.api.storedPassword).toBe(SHARE_PASSWORD);
    expect(stamp.api.store).toMatchObject({ backupFrequencyInHours: 6, backupRetentionPeriodInDays: 7 });
    await expect(page.getByTestId('stamp-capacity').textContent()).resolves.toBe('29.6 TB');
    await expect(page.getByTestId('stamp-thumbprint').textContent()).resolves.toMatch(/^[0-9A-F]{40}$/);
    expect(await page.content()).not.toContain(SHARE_PASSWORD);
  });

  it('backs up now: the operation shows on the timeline until the stamp says it succeeded', async () => {
    await page.getByTestId('command-stamp-backup-now').click();
    await page
      .getByTestId('stamp-timeline')
      .getByText(/Backup [0-9a-f-]{36} succeeded/)
      .waitFor({ timeout: 30_000 });
    const name = stamp.api.backups.at(-1)?.name ?? '';
    await page.getByRole('button', { name: `Details of backup ${name}` }).click();
    const details = page.getByTestId(`stamp-backup-details-${name}`);
    await expect(details.getByText('KeyVaultDataPlane').count()).resolves.toBe(1);
    await expect(page.getByTestId('stamp-restore-command').textContent()).resolves.toContain(
      `Restore-AzsBackup -Location local -Name ${name}`,
    );
    // The console's own verify and restore do not apply to a stamp's backups: not offered.
    await expect(page.getByRole('button', { name: /^(Verify|Restore)$/ }).count()).resolves.toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'stamp-blade.png'), fullPage: true });
  });

  it('enables and disables automatic backups', async () => {
    await page.getByTestId('command-stamp-toggle-scheduler').click();
    await page.getByTestId('stamp-scheduler').filter({ hasText: 'Enabled' }).waitFor({ timeout: 30_000 });
    expect(stamp.api.store.isBackupSchedulerEnabled).toBe(true);
    await page.getByTestId('command-stamp-toggle-scheduler').click();
    await page.getByTestId('stamp-scheduler').filter({ hasText: 'Disabled' }).waitFor({ timeout: 30_000 });
    expect(stamp.api.store.isBackupSchedulerEnabled).toBe(false);
  });

  it('prunes after a dry run, deleting exactly what it listed', async () => {
    await page.getByTestId('command-stamp-prune').click();
    const listed = page.getByTestId('stamp-prune-paths');
    await listed.waitFor({ timeout: 30_000 });
    for (const path of EXAMPLE_PRUNABLE) await expect(listed.getByText(path).count()).resolves.toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    expect(stamp.api.prunable).toEqual(EXAMPLE_PRUNABLE);
    await page.getByTestId('stamp-prune-confirm').click();
    await page.getByTestId('stamp-prune-done').waitFor({ timeout: 30_000 });
    expect(stamp.api.prunable).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('dark: the stamp blade has no critical or serious violation either', async () => {
    const darkContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
    try {
      const dark = await openConsoleIn(darkContext, running, '#/stamp');
      await dark.page.getByTestId('stamp-essentials').waitFor({ timeout: 30_000 });
      expect(await axeViolations(dark.page)).toEqual([]);
      await dark.page.screenshot({ path: join(SCREENSHOTS, 'stamp-blade-dark.png'), fullPage: true });
      expect(dark.problems).toEqual([]);
    } finally {
      await darkContext.close();
    }
  });
});
