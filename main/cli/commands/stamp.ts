import type { Command } from 'commander';
import type { StampConnectInput, StampOperationView, StampSettingsInputValue } from '../../../preload/api';
import { CERTIFICATE_FILE, PFX_FILE, ROOT_CA_FILE, readInputFile } from '../../engine/app/input-file';
import { EngineError, invalidInput } from '../../engine/errors';
import { CliApiError, type CliContext } from '../context';
import { readSecretFromStdin } from '../io';
import { printData } from '../output';
import { parseWholeNumber } from '../parse';

interface ConnectOptions {
  endpoint: string;
  region?: string;
  subscription?: string;
  tenant?: string;
  clientId?: string;
  clientCert?: string;
  clientCertPasswordStdin?: boolean;
  caFile?: string;
}

interface SetOptions {
  path?: string;
  username?: string;
  passwordStdin?: boolean;
  cert?: string;
  frequency?: string;
  retention?: string;
  enableScheduler?: boolean;
  disableScheduler?: boolean;
}

/**
 * `infra-backup stamp …`: an Azure Stack Hub stamp's own infrastructure
 * backup, through its admin API (the Azs.Backup.Admin cmdlets' work). Same
 * conventions as every command: --json, secrets from standard input only,
 * exit 2 invalid input, 3 the stamp failed (with its category), 4 an
 * operation the stamp accepted ended failed.
 */
export function registerStampCommands(program: Command, ctx: CliContext): void {
  const stamp = program.command('stamp').description("an Azure Stack Hub stamp's own infrastructure backup, through its admin endpoint");

  stamp
    .command('connect')
    .description('sign in to a stamp (device code, or a service principal certificate) and remember it')
    .requiredOption('--endpoint <url>', 'admin endpoint, https://adminmanagement.{region}.{fqdn}')
    .option('--region <name>', 'region name (default: read from the endpoint)')
    .option('--subscription <id>', 'Default Provider Subscription id (default: found by name)')
    .option('--tenant <tenant>', 'Azure AD directory tenant (not needed with AD FS)')
    .option(
      '--client-id <id>',
      'application id (device code: a public client, default Azure PowerShell; certificate: the service principal)',
    )
    .option('--client-cert <file>', "the service principal's certificate with its private key (.pfx)")
    .option('--client-cert-password-stdin', 'read the .pfx password from standard input')
    .option('--ca-file <file>', "the enterprise root CA that issued the stamp's certificates (PEM), trusted besides the OS store")
    .action(async (options: ConnectOptions) => {
      let signIn: StampConnectInput['signIn'];
      if (options.clientCert) {
        if (!options.clientCertPasswordStdin)
          throw invalidInput(
            'client-cert-password',
            '--client-cert needs --client-cert-password-stdin: the .pfx password is read from standard input only.',
          );
        if (!options.clientId) throw invalidInput('client-id', '--client-cert needs --client-id, the service principal’s application id.');
        const pfx = await readInputFile('client-cert', options.clientCert, PFX_FILE);
        signIn = {
          method: 'client-certificate',
          clientId: options.clientId,
          pfxBase64: pfx.toString('base64'),
          pfxPassword: await readSecretFromStdin(ctx.io, 'client-cert-password', 'existing'),
          ...(options.tenant ? { tenant: options.tenant } : {}),
        };
      } else {
        signIn = {
          method: 'device-code',
          ...(options.tenant ? { tenant: options.tenant } : {}),
          ...(options.clientId ? { clientId: options.clientId } : {}),
        };
      }
      const trust: StampConnectInput['trust'] = options.caFile
        ? { source: 'pem', pem: (await readInputFile('ca-file', options.caFile, ROOT_CA_FILE)).toString('utf8') }
        : { source: 'system' };
      // The device code goes to stderr: stdout stays the result (and JSON with --json).
      const stop = ctx.getEngine().onEvent((event) => {
        if (event.type === 'stamp-sign-in') ctx.io.stderr(`${event.message}\n`);
      });
      try {
        const input: StampConnectInput = {
          adminEndpoint: options.endpoint,
          signIn,
          trust,
          ...(options.region ? { region: options.region } : {}),
          ...(options.subscription ? { subscriptionId: options.subscription } : {}),
        };
        printData(ctx.io, ctx.json, await ctx.call('stampConnect', input));
      } finally {
        stop();
      }
    });

  stamp
    .command('disconnect')
    .description("forget the stamp: its sign-in (tokens, a service principal's key) and the operation record")
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('stampDisconnect')));

  stamp
    .command('show')
    .description('the backup location (API field names), the last backup and the operation in progress')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('stampGetEssentials')));

  stamp
    .command('set')
    .description("change the stamp's backup configuration; the password only from standard input")
    .option('--path <unc>', 'external store, \\\\host\\share[\\folder…]')
    .option('--username <user>', 'DOMAIN\\user or user@domain')
    .option('--password-stdin', 'read the share password from standard input')
    .option('--cert <file>', 'encryption certificate (.cer, public key only)')
    .option('--frequency <hours>', 'backupFrequencyInHours (4–12)')
    .option('--retention <days>', 'backupRetentionPeriodInDays (2–14)')
    .option('--enable-scheduler', 'isBackupSchedulerEnabled = true')
    .option('--disable-scheduler', 'isBackupSchedulerEnabled = false')
    .action(async (options: SetOptions) => {
      if (options.enableScheduler && options.disableScheduler)
        throw invalidInput('scheduler', 'Give --enable-scheduler or --disable-scheduler, not both.');
      const input: StampSettingsInputValue = {};
      if (options.path !== undefined) input.path = options.path;
      if (options.username !== undefined) input.userName = options.username;
      if (options.passwordStdin) {
        const password = await readSecretFromStdin(ctx.io, 'password');
        input.password = password;
        input.passwordConfirm = password;
      }
      if (options.cert !== undefined)
        input.encryptionCertBase64 = (await readInputFile('cert', options.cert, CERTIFICATE_FILE)).toString('base64');
      const frequency = parseWholeNumber('frequency', options.frequency);
      if (frequency !== undefined) input.backupFrequencyInHours = frequency;
      const retention = parseWholeNumber('retention', options.retention);
      if (retention !== undefined) input.backupRetentionPeriodInDays = retention;
      if (options.enableScheduler) input.isBackupSchedulerEnabled = true;
      if (options.disableScheduler) input.isBackupSchedulerEnabled = false;
      if (Object.keys(input).length === 0)
        throw invalidInput('input', 'Nothing to change: give at least one option (see infra-backup stamp set --help).');
      printData(ctx.io, ctx.json, await ctx.call('stampSaveSettings', input));
    });

  stamp
    .command('backup')
    .description('start a backup of the stamp (BackupLocations_CreateBackup)')
    .option('--wait', 'follow it until it ends; exit 4 if it failed')
    .action(async (options: { wait?: boolean }) => {
      const seen = new Map<string, StampOperationView>();
      const stop = ctx.getEngine().onEvent((event) => {
        if (event.type === 'stamp-operation') seen.set(event.operation.operationId, event.operation);
      });
      try {
        const started = await ctx.call('stampStartBackup');
        if (!options.wait) return printData(ctx.io, ctx.json, started);
        await ctx.getEngine().whenStampIdle();
        const final = seen.get(started.operationId) ?? started;
        printData(ctx.io, ctx.json, final);
        if (final.state === 'Failed')
          throw final.error
            ? new CliApiError(final.error)
            : new EngineError({ code: 'operation-failed', message: final.summary, remediation: 'See infra-backup stamp list.' });
      } finally {
        stop();
      }
    });

  stamp
    .command('list')
    .description('backups on the stamp: status, role status, recovery readiness, and the Restore-AzsBackup command')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('stampListBackups')));

  stamp
    .command('operations')
    .description('the operations this console started on the stamp, newest first, as polled')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('stampListOperations')));

  stamp
    .command('prune')
    .description('prune the external store: a dry run lists what would go; --apply --yes deletes exactly that')
    .option('--apply', 'delete (after a dry run made now); needs --yes')
    .option('--yes', 'confirm the deletion of what the dry run lists')
    .action(async (options: { apply?: boolean; yes?: boolean }) => {
      const dryRun = await ctx.call('stampPrune', { operationType: 'DryRun' });
      if (!options.apply) return printData(ctx.io, ctx.json, dryRun);
      if (!options.yes) {
        printData(ctx.io, ctx.json, dryRun);
        throw new EngineError({
          code: 'confirmation-required',
          message: `Pruning would delete the ${dryRun.pathsToDelete.length} path(s) listed above.`,
          remediation: 'Review them and run again with --apply --yes.',
        });
      }
      printData(ctx.io, ctx.json, await ctx.call('stampPrune', { operationType: 'Default', confirmPathsToDelete: dryRun.pathsToDelete }));
    });
}
