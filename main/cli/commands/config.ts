import { outputFileFailure, replaceFile } from '../../engine/app/output-file';
import type { Command } from 'commander';
import type { BackupLocationDocument, SettingsInput } from '../../../preload/api';
import { invalidInput } from '../../engine/errors';
import type { CliContext } from '../context';
import { readSecretFromStdin } from '../io';
import { BACKUP_LOCATION_FILE, CERTIFICATE_FILE, readInputFile } from '../../engine/app/input-file';
import { printData } from '../output';
import { parseWholeNumber } from '../parse';

interface ConfigSetOptions {
  path?: string;
  username?: string;
  passwordStdin?: boolean;
  smbPort?: string;
  cert?: string;
  frequency?: string;
  retention?: string;
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

  config
    .command('set')
    .description('change settings; secrets only from standard input')
    .option('--path <unc>', 'storage location, \\\\host\\share[\\folder…]')
    .option('--username <user>', 'DOMAIN\\user or user@domain')
    .option('--password-stdin', 'read the share password from standard input')
    .option('--smb-port <n>', 'SMB port (default 445)')
    .option('--cert <file>', 'encryption certificate (.cer/.crt, public key only)')
    .option('--frequency <hours>', 'hours between automatic backups (4–12)')
    .option('--retention <days>', 'days backups are kept (2–14)')
    .option('--yes', 'confirm changes that delete backups or switch a legacy key to a certificate')
    .action(async (options: ConfigSetOptions) => {
      const input: SettingsInput = {};
      if (options.path !== undefined) input.location = options.path;
      if (options.username !== undefined) input.username = options.username;
      if (options.passwordStdin) {
        const password = await readSecretFromStdin(ctx.io, 'password');
        input.password = password;
        input.passwordConfirm = password;
      }
      const smbPort = parseWholeNumber('smb-port', options.smbPort);
      if (smbPort !== undefined) input.smbPort = smbPort;
      const frequency = parseWholeNumber('frequency', options.frequency);
      if (frequency !== undefined) input.frequencyHours = frequency;
      const retention = parseWholeNumber('retention', options.retention);
      if (retention !== undefined) input.retentionDays = retention;
      if (options.cert !== undefined)
        input.certificateBase64 = (await readInputFile('cert', options.cert, CERTIFICATE_FILE)).toString('base64');
      if (options.yes) {
        input.confirmRetentionDeletion = true;
        input.confirmSwitchToCertificate = true;
      }
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
}
