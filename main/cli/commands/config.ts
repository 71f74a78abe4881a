import { outputFileFailure, replaceFile } from '../../engine/app/output-file';
import type { Command } from 'commander';
import type { BackupLocationDocument, SettingsInput, TestShareInput } from '../../../preload/api';
import { invalidInput } from '../../engine/errors';
import { CliApiError, type CliContext } from '../context';
import { BACKUP_LOCATION_FILE, CERTIFICATE_FILE, readInputFile } from '../../engine/app/input-file';
import { printData } from '../output';
import { addShareOptions, shareCandidate, type ShareOptions } from '../share-options';
import { parseWholeNumber } from '../parse';

interface ConfigSetOptions extends ShareOptions {
  skipShareTest?: boolean;
  cert?: string;
  frequency?: string;
  retention?: string;
  almostFullPercent?: string;
  yes?: boolean;
}

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('show, change, import or export the backup configuration');

  config
    .command('show')
    .description('print the configuration (the password is never shown, only whether one is set)')
    .action(async () => {
      const [settings, schedule, lastRuns] = [await ctx.call('getSettings'), await ctx.call('getSchedule'), await ctx.call('getLastRuns')];
      printData(ctx.io, ctx.json, { ...settings, nextBackupTime: schedule.nextBackupTime, ...lastRuns });
    });

  addShareOptions(config.command('set').description('change settings; secrets only from standard input'))
    .option('--skip-share-test', 'save a changed location or account even when the connection test fails')
    .option('--cert <file>', 'encryption certificate (.cer/.crt, public key only)')
    .option('--frequency <hours>', 'hours between automatic backups (4–12)')
    .option('--retention <days>', 'days backups are kept (2–14)')
    .option('--almost-full-percent <n>', 'percent of the share in use at which "almost full" is raised (50–99, default 80)')
    .option('--yes', 'confirm changes that delete backups or switch a legacy key to a certificate')
    .action(async (options: ConfigSetOptions) => {
      const share = await shareCandidate(ctx, options);
      const input: SettingsInput = { ...share };
      if (share.password !== undefined) input.passwordConfirm = share.password;
      const frequency = parseWholeNumber('frequency', options.frequency);
      if (frequency !== undefined) input.frequencyHours = frequency;
      const retention = parseWholeNumber('retention', options.retention);
      if (retention !== undefined) input.retentionDays = retention;
      const almostFull = parseWholeNumber('almost-full-percent', options.almostFullPercent);
      if (almostFull !== undefined) input.almostFullPercent = almostFull;
      if (options.cert !== undefined)
        input.certificateBase64 = (await readInputFile('cert', options.cert, CERTIFICATE_FILE)).toString('base64');
      if (options.yes) {
        input.confirmRetentionDeletion = true;
        input.confirmSwitchToCertificate = true;
      }
      // A changed location or account is tested first, and not saved when it fails (exit 3, its category).
      if (Object.keys(share).length > 0 && !options.skipShareTest) await testShareBeforeSaving(ctx, share);
      const settings = await ctx.call('saveSettings', input);
      printData(ctx.io, ctx.json, settings);
    });

  config
    .command('export <file>')
    .description('write the configuration as an Azure Stack BackupLocation document (no secrets)')
    .action(async (file: string) => {
      const document = await ctx.call('exportSettings');
      try {
        replaceFile(file, JSON.stringify(document, null, 2) + '\n', 0o600);
      } catch (error) {
        throw outputFileFailure('file', file, error);
      }
      printData(ctx.io, ctx.json, { exported: file });
    });

  config
    .command('import <file>')
    .description('read an Azure Stack BackupLocation document')
    .action(async (file: string) => {
      const text = (await readInputFile('file', file, BACKUP_LOCATION_FILE)).toString('utf8');
      let document: BackupLocationDocument;
      try {
        document = JSON.parse(text) as BackupLocationDocument;
      } catch {
        throw invalidInput('file', `${file} is not valid JSON.`, 'Export the BackupLocation resource as JSON and try again.');
      }
      printData(ctx.io, ctx.json, await ctx.call('importSettings', { document }));
    });

  config
    .command('clear')
    .description(
      'Clear-AzsBackupConfiguration: forget the location, credentials and certificate (the backups on the share and the history stay)',
    )
    .option('--yes', 'confirm; without it the command says what would be removed and exits 2')
    .action(async (options: { yes?: boolean }) => {
      printData(ctx.io, ctx.json, await ctx.call('clearConfiguration', { confirm: options.yes === true }));
    });
}

/** The connection test of a changed share, before saving it; a failure names its category and the way around it. */
async function testShareBeforeSaving(ctx: CliContext, share: TestShareInput): Promise<void> {
  const result = await ctx.call('testShare', share);
  if (!result.failure) return;
  throw new CliApiError({
    ...result.failure,
    message: `Not saved: the connection test failed. ${result.failure.message}`,
    remediation: `${result.failure.remediation} To save it anyway, add --skip-share-test.`,
  });
}
