import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ApiEvent, DeclaredBackupInfo, RecoveryKeyInput, TimelineKind } from '../../../preload/api';
import { TIMELINE_KINDS } from '../../../preload/api';
import { EngineError, invalidInput } from '../../engine/errors';
import type { CliContext } from '../context';
import { CliApiError, CliInterrupted } from '../context';
import { readSecretFromStdin } from '../io';
import { formatHuman, printData } from '../output';
import { addShareOptions, shareCandidate, testShareOrFail, type ShareOptions } from '../share-options';
import { parseTimeOption, parseWholeNumber } from '../parse';
import { PFX_FILE, readInputFile } from '../../engine/app/input-file';
import { toBackupJson, type BackupJson } from '../../../common/contract/backup-json';
import { isStoredBackup } from '../../../common/contract/views';
import { BACKUP_INFO_FILE } from '../../engine/sources/backup-info';

/** For people, a stored backup without an expiry is said in words (the window says "Kept"): retention keeps it (the newest successful one, or another console's). */
const KEPT_BY_RETENTION = 'kept (retention does not delete it)';
const keptInWords = (backup: BackupJson) => ({
  ...backup,
  expiresAt: backup.expiresAt ?? (isStoredBackup(backup.status) ? KEPT_BY_RETENTION : null),
});

interface KeyOptions {
  pfx?: string;
  pfxPasswordStdin?: boolean;
  keyStdin?: boolean;
}

async function recoveryKeyFrom(ctx: CliContext, options: KeyOptions, required: boolean): Promise<RecoveryKeyInput | undefined> {
  if (options.pfx && options.keyStdin) throw invalidInput('key', 'Give either --pfx with --pfx-password-stdin, or --key-stdin, not both.');
  if (options.pfx) {
    if (!options.pfxPasswordStdin)
      throw invalidInput('pfx-password', '--pfx needs --pfx-password-stdin: the .pfx password is read from standard input only.');
    const pfx = await readInputFile('pfx', options.pfx, PFX_FILE);
    return { kind: 'pfx', pfxBase64: pfx.toString('base64'), password: await readSecretFromStdin(ctx.io, 'pfx-password', 'existing') };
  }
  if (options.keyStdin) return { kind: 'legacy-key', keyBase64: await readSecretFromStdin(ctx.io, 'key') };
  if (required) throw invalidInput('key', 'Restoring needs the key: --pfx FILE --pfx-password-stdin, or --key-stdin.');
  return undefined;
}

interface AddSourceOptions {
  folder?: string;
  command?: string;
  timeout?: string;
  stampVersion?: string;
  deploymentId?: string;
  oemVersion?: string;
  backupDataVersion?: string;
}

/** The declaration options under Azure Stack's backupInfo names (the engine checks them). */
function declaredBackupInfoOptions(options: AddSourceOptions): DeclaredBackupInfo {
  return {
    ...(options.backupDataVersion !== undefined ? { backupDataVersion: options.backupDataVersion } : {}),
    ...(options.stampVersion !== undefined ? { stampVersion: options.stampVersion } : {}),
    ...(options.deploymentId !== undefined ? { deploymentID: options.deploymentId } : {}),
    ...(options.oemVersion !== undefined ? { oemVersion: options.oemVersion } : {}),
  };
}

export function registerOperationCommands(program: Command, ctx: CliContext): void {
  const sources = program.command('sources').description('what is backed up (components)');
  sources
    .command('list')
    .description('list backup sources')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('listSources')));
  sources
    .command('add <name>')
    .description('add a folder, or a command whose standard output is the data')
    .option('--folder <dir>', 'a folder to back up')
    .option('--command <cmd>', 'a command whose stdout is the data')
    .option('--timeout <seconds>', 'command timeout in seconds')
    .option('--stamp-version <version>', "the stamp's version, recorded in each backup as stampVersion (command sources)")
    .option('--deployment-id <id>', "the stamp's deployment ID, recorded as deploymentID (command sources)")
    .option('--oem-version <version>', "the OEM extension's version, recorded as oemVersion (command sources)")
    .option(
      '--backup-data-version <version>',
      "the data's version, recorded as backupDataVersion (command sources; default: the console's format version)",
    )
    .action(async (name: string, options: AddSourceOptions) => {
      if (!!options.folder === !!options.command) throw invalidInput('source', 'Give exactly one of --folder DIR or --command CMD.');
      const timeout = parseWholeNumber('timeout', options.timeout);
      const backupInfo = declaredBackupInfoOptions(options);
      if (options.folder) {
        if (timeout !== undefined) throw invalidInput('timeout', '--timeout applies to --command sources only.');
        if (Object.keys(backupInfo).length > 0)
          throw invalidInput(
            'backupInfo',
            'A folder source declares stampVersion, deploymentID, oemVersion and backupDataVersion in a backup-info.json at its top, not with options.',
            `Write them there, e.g. {"stampVersion": "1.2406.0.8"} in ${join(resolve(options.folder), BACKUP_INFO_FILE)}.`,
          );
        printData(ctx.io, ctx.json, await ctx.call('addSource', { name, folder: resolve(options.folder) }));
        return;
      }
      // Command sources are station-only: outside the contract the window and the web host speak.
      const command = {
        name,
        command: options.command ?? '',
        ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
        ...(Object.keys(backupInfo).length > 0 ? { backupInfo } : {}),
      };
      printData(ctx.io, ctx.json, await ctx.getEngine().station.addCommandSource(command));
    });
  sources
    .command('remove <name>')
    .description('remove a backup source (folder or command)')
    .action(async (name: string) => printData(ctx.io, ctx.json, await ctx.getEngine().station.removeSource(name)));

  addShareOptions(
    program
      .command('share')
      .description('the backup file share')
      .command('test')
      .description(
        'check reachability, credentials, write permission, SMB dialect and encryption, free capacity — of the saved share, or of the one the options name (nothing is saved)',
      ),
  ).action(async (options: ShareOptions) => {
    await testShareOrFail(ctx, await shareCandidate(ctx, options));
  });

  const schedule = program.command('schedule').description('automatic backups');
  schedule
    .command('enable')
    .description('enable automatic backups at the next slot of the schedule')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('setAutomaticBackups', { enabled: true })));
  schedule
    .command('disable')
    .description('skip future scheduled backups (settings and schedule are kept)')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('setAutomaticBackups', { enabled: false })));
  schedule
    .command('pause')
    .description('a maintenance pause: scheduled backups are skipped (recorded with the reason) until TIME, then run again by themselves')
    .requiredOption('--until <time>', 'when the pause ends: 2026-12-01T06:00:00Z, or +90m, +4h, +2d from now')
    .requiredOption('--reason <text>', 'why (shown in the alert, the backup list and the timeline)')
    .action(async (options: { until: string; reason: string }) => {
      const until = parseTimeOption('until', options.until, new Date());
      printData(ctx.io, ctx.json, await ctx.call('pauseSchedule', { until, reason: options.reason }));
    });
  schedule
    .command('resume')
    .description('end a maintenance pause now')
    .action(async () => printData(ctx.io, ctx.json, await ctx.call('resumeSchedule')));

  const backup = program.command('backup').description('take, list, verify and restore backups');
  backup
    .command('start')
    .description('start an on-demand backup (does not move the next scheduled backup); Ctrl-C cancels it')
    .option('--wait', 'wait until it finishes and print it; exit 4 if it failed (3 for a share failure)')
    .option('--force', 'take it even though backups are paused (schedule pause)')
    .action((options: { wait?: boolean; force?: boolean }) => startBackup(ctx, options.wait === true, options.force === true));
  backup
    .command('list')
    .description('list backups on the share')
    .action(async () => {
      const backups = (await ctx.call('listBackups')).map(toBackupJson);
      printData(ctx.io, ctx.json, backups, () => formatHuman(backups.map(keptInWords)));
    });
  backup
    .command('verify <id>')
    .description('verify hashes and structure; with a key, decrypt and check every chunk')
    .option('--pfx <file>', '.pfx holding the certificate private key')
    .option('--pfx-password-stdin', 'read the .pfx password from standard input')
    .option('--key-stdin', 'read the legacy key from standard input')
    .option('--trust-signer <key>', "accept a backup signed by this public key (another station's, shown in its settings)")
    .action(async (id: string, options: KeyOptions & { trustSigner?: string }) => {
      const key = await recoveryKeyFrom(ctx, options, false);
      const result = await ctx.call('verifyBackup', {
        backupId: id,
        ...(key ? { key } : {}),
        ...(options.trustSigner ? { trustSigner: options.trustSigner } : {}),
      });
      printData(ctx.io, ctx.json, result);
      if (!result.ok)
        throw new EngineError({
          code: 'verify-failed',
          message: `Backup ${id} failed verification.`,
          remediation: 'Do not rely on this backup; take a new one and check the share.',
        });
    });
  backup
    .command('restore <id>')
    .description('restore all components (or one) into an empty local folder')
    .requiredOption('--out <dir>', 'empty target folder')
    .option('--component <name>', 'restore only this component')
    .option('--pfx <file>', '.pfx holding the certificate private key')
    .option('--pfx-password-stdin', 'read the .pfx password from standard input')
    .option('--key-stdin', 'read the legacy key from standard input')
    .option('--trust-signer <key>', "accept a backup signed by this public key (another station's, shown in its settings)")
    .action(async (id: string, options: KeyOptions & { out: string; component?: string; trustSigner?: string }) => {
      const key = (await recoveryKeyFrom(ctx, options, true)) as RecoveryKeyInput;
      const input = {
        backupId: id,
        targetFolder: resolve(options.out),
        key,
        ...(options.component ? { component: options.component } : {}),
        ...(options.trustSigner ? { trustSigner: options.trustSigner } : {}),
      };
      printData(ctx.io, ctx.json, await ctx.call('restoreBackup', input));
    });

  backup
    .command('check-key')
    .description('check my recovery key: does this .pfx open the newest backup? (nothing is stored; closes the unconfirmed .pfx alert)')
    .requiredOption('--pfx <file>', '.pfx holding the certificate private key')
    .option('--pfx-password-stdin', 'read the .pfx password from standard input')
    .action(async (options: KeyOptions & { pfx: string }) => {
      const key = (await recoveryKeyFrom(ctx, options, true)) as Extract<RecoveryKeyInput, { kind: 'pfx' }>;
      const check = await ctx.call('checkRecoveryKey', { pfxBase64: key.pfxBase64, password: key.password });
      printData(ctx.io, ctx.json, check);
      if (!check.matchesCurrentCertificate && check.opensNewestBackup !== true)
        throw new EngineError({
          code: 'wrong-key',
          message: 'This .pfx neither belongs to the configured encryption certificate nor opens the newest backup.',
          remediation:
            'Find the .pfx of the certificate the backups are encrypted to (its thumbprint is in `backup list`), and check it again.',
        });
    });

  program
    .command('retention')
    .description('retention policy')
    .command('preview')
    .description('dry run: which backups a retention period would delete')
    .requiredOption('--days <d>', 'retention period in days')
    .action(async (options: { days: string }) => {
      const days = parseWholeNumber('days', options.days) as number;
      printData(ctx.io, ctx.json, await ctx.call('previewRetention', { retentionDays: days }));
    });

  program
    .command('timeline')
    .description('past runs, skipped slots, deletions and changes, newest first')
    .option('--kind <kinds>', `comma-separated: ${TIMELINE_KINDS.join(', ')}`)
    .option('--limit <n>', 'at most this many events')
    .action(async (options: { kind?: string; limit?: string }) => {
      const kinds = options.kind
        ?.split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      for (const kind of kinds ?? []) {
        if (!(TIMELINE_KINDS as readonly string[]).includes(kind))
          throw invalidInput('kind', `Unknown timeline kind "${kind}". Known kinds: ${TIMELINE_KINDS.join(', ')}.`);
      }
      const limit = parseWholeNumber('limit', options.limit);
      printData(
        ctx.io,
        ctx.json,
        await ctx.call('getTimeline', { ...(kinds ? { kinds: kinds as TimelineKind[] } : {}), ...(limit !== undefined ? { limit } : {}) }),
      );
    });
}

type JobFinished = Extract<ApiEvent, { type: 'job-finished' }>;

/**
 * `backup start [--wait]`. The process lives as long as the job (a one-shot
 * console cannot leave it running), so SIGINT or SIGTERM meanwhile cancels
 * the job — nothing half-written is kept — and exits 128 + the signal (130
 * for Ctrl-C) once it has ended.
 */
async function startBackup(ctx: CliContext, wait: boolean, force: boolean): Promise<void> {
  const engine = ctx.getEngine();
  let interruptedBy: NodeJS.Signals | null = null;
  const cancel = (): void => void engine.cancelBackup().catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy) return;
    interruptedBy = signal;
    cancel();
  };
  const ended: JobFinished[] = [];
  const stopListening = engine.onEvent((event) => {
    if (event.type === 'job-finished') ended.push(event);
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const job = await ctx.call('startBackup', force ? { force } : undefined);
    // A signal that came while the job was being set up finds it now.
    if (interruptedBy) cancel();
    if (!wait) printData(ctx.io, ctx.json, job);
    await engine.whenIdle();
    const end = ended.find((event) => event.jobId === job.jobId);
    if (!end) throw new Error(`backup ${job.backupId} ended without a result`);
    if (interruptedBy && end.backup?.state === 'Cancelled') {
      if (wait) printData(ctx.io, ctx.json, end.backup && toBackupJson(end.backup));
      throw new CliInterrupted(interruptedBy, end.error ?? { code: 'cancelled', message: 'The backup was cancelled.', remediation: '' });
    }
    if (!wait) return;
    // The run as recorded, whatever its outcome; then why it did not succeed, and the exit status that goes with it.
    const finished = end.backup && toBackupJson(end.backup);
    printData(ctx.io, ctx.json, finished, () => formatHuman(finished && keptInWords(finished)));
    if (end.error && end.backup?.state !== 'Cancelled') throw new CliApiError(end.error);
    if (end.backup && end.backup.state !== 'Succeeded') {
      throw new EngineError({
        code: end.backup.state === 'Cancelled' ? 'cancelled' : 'backup-failed',
        message: `Backup ${end.backup.backupId} finished as ${end.backup.state}.`,
        remediation:
          end.backup.state === 'Cancelled'
            ? 'It was cancelled from another front door; start a new backup when ready.'
            : 'See `infra-backup backup list` and the alerts for the failed components.',
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopListening();
  }
}
