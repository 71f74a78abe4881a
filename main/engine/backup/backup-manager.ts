import { randomUUID } from 'node:crypto';
import type {
  ApiError,
  BackupDetail,
  BackupSummary,
  BackupTrigger,
  JobProgress,
  RecoveryKeyCheck,
  RecoveryKeyInput,
  RestoreInput,
  RestoreResult,
  VerifyInput,
  VerifyResult,
} from '../../../preload/api';
import { openPfx } from '../certificates';
import { EngineError, invalidInput } from '../errors';
import { registerSecret } from '../redact';
import { shareError } from '../share/share-errors';
import { notConfigured, openConfiguredShare, withConfiguredShare, type EngineContext } from '../context';
import { newBackupId } from './backup-id';
import { runBackupJob, secondsBetween, type BackupJobOutcome } from './backup-job';
import { detailOf, listCatalog, listingSummaries, readBackup, readBackupFolder, summaryOf } from './catalog';
import { catalogCacheFor } from './catalog-cache';
import { NO_CANCEL } from '../share/abort';
import type { BackupFormat, OpeningKey, ReadManifest } from './codec-port';
import type { Clock } from './job-clock';
import { OperationRegistry } from './operations';
import { restoreBackup } from './restore';
import { verifyBackup } from './verify';
import { FORMAT_VERSION, isoDuration } from './backup-format';
import { declaredBackupInfo } from '../sources/backup-info';
import { judgeSigner, refuseSigner, signerView } from './signer-policy';

export interface BackupManagerDeps {
  ctx: EngineContext;
  format: BackupFormat;
  clock: Clock;
  lock?: { heartbeatEveryMs?: number; staleAfterMs?: number };
}

/** Who cancelled a job: the operator (Cancel, Ctrl-C), or a host that is stopping (SIGTERM, quitting). */
export type CancelReason = 'operator' | 'shutdown';

const CANCELLED: Record<CancelReason, ApiError> = {
  operator: {
    code: 'cancelled',
    message: 'The backup was cancelled by the operator; nothing of it was kept.',
    remediation: 'Start a new backup when ready.',
  },
  shutdown: {
    code: 'cancelled',
    message: 'The backup was cancelled because the console was stopping; nothing of it was kept.',
    remediation: 'The next scheduled backup runs as usual; start one now if you need it sooner.',
  },
};

interface ActiveJob {
  progress: JobProgress;
  abort: AbortController;
  done: Promise<void>;
  cancelledBy: CancelReason | null;
  encryption: { mode: 'certificate' | 'legacy-key'; thumbprint: string | null };
}

function alreadyRunning(): EngineError {
  return new EngineError({
    code: 'backup-running',
    message: 'A backup is already running.',
    remediation: 'Wait for it to finish, or cancel it, before starting another.',
  });
}

/**
 * Owns the console's single backup job (one at a time per console; the share
 * lock covers other consoles), and the read side: list, details, verify,
 * restore, recovery-key check.
 *
 * It knows nothing of what happens around a job: it publishes `job-started`,
 * `job-progress` and exactly one `job-finished` per job on the engine's
 * events, and whoever cares (the run log, the maintenance service, the front
 * doors) subscribes.
 */
export class BackupManager {
  private active: ActiveJob | null = null;
  private starting = false;

  /** Verify and restore under way: progress events and cancel by operation id. */
  private readonly operations: OperationRegistry;

  constructor(private readonly deps: BackupManagerDeps) {
    this.operations = new OperationRegistry((event) => deps.ctx.events.publish(event), deps.clock);
  }

  isRunning(): boolean {
    return this.active !== null || this.starting;
  }

  activeJob(): JobProgress | null {
    return this.active?.progress ?? null;
  }

  /** The running job as a row of the backup list (Running), or null. */
  runningBackup(): BackupSummary | null {
    const job = this.active;
    if (!job) return null;
    return {
      backupId: job.progress.backupId,
      createdAt: job.progress.startedAt,
      completedAt: null,
      state: 'Running',
      trigger: job.progress.trigger,
      sizeBytes: 0,
      certificateThumbprint: job.encryption.thumbprint,
      encryptionMode: job.encryption.mode,
      recoveryReady: false,
      expiresAt: null,
    };
  }

  /** Resolves when the running job (if any) has finished and been recorded. */
  async whenIdle(): Promise<void> {
    await this.active?.done;
  }

  /** Starts a job and returns at once with its first progress; the job runs on. */
  async start(trigger: BackupTrigger): Promise<JobProgress> {
    if (this.active || this.starting) throw alreadyRunning();
    // Claimed before the first await: two requests in the same tick cannot both start.
    this.starting = true;
    try {
      return await this.launch(trigger);
    } finally {
      this.starting = false;
    }
  }

  private async launch(trigger: BackupTrigger): Promise<JobProgress> {
    const { ctx, format, clock } = this.deps;
    const settings = ctx.settings.service.stored();
    if (!settings.configured) throw notConfigured();
    const target = ctx.settings.service.encryptionTarget();
    if (target.mode === 'none') throw notConfigured();
    const sources = await ctx.sources.effective();
    const declared = await declaredBackupInfo(sources, (message) => ctx.logger.warn(message));
    const startedAt = clock.now();
    const jobId = randomUUID();
    const backupId = newBackupId(startedAt);
    const signer = ctx.settings.service.stationSigner();
    const sealer = format.newSealer(
      backupId,
      target.mode === 'certificate'
        ? { mode: 'certificate', thumbprint: target.thumbprint, publicKey: target.publicKey }
        : { mode: 'legacy-key', key: target.key },
      signer,
    );
    const abort = new AbortController();
    const progress: JobProgress = {
      jobId,
      backupId,
      trigger,
      state: 'Queued',
      component: null,
      bytesDone: 0,
      bytesTotal: null,
      bytesPerSecond: 0,
      etaSeconds: null,
      startedAt: startedAt.toISOString(),
    };
    const record: ActiveJob = {
      progress,
      abort,
      done: Promise.resolve(),
      cancelledBy: null,
      encryption: { mode: sealer.encryptionMode, thumbprint: sealer.recipientThumbprint },
    };
    this.active = record;
    ctx.events.publish({ type: 'job-started', progress });

    record.done = (async () => {
      let outcome: BackupJobOutcome;
      // Another console (or a prune) holds the share's lock: the backup could not run, which is not a failure of the share.
      let conflict = false;
      try {
        const share = openConfiguredShare(ctx);
        try {
          outcome = await runBackupJob(
            { share, clock, ...(this.deps.lock ? { lock: this.deps.lock } : {}) },
            {
              jobId,
              backupId,
              trigger,
              sources,
              sealer,
              signal: abort.signal,
              // Informational, under Azure Stack's backupInfo names (docs/BACKUP-FORMAT.md).
              stamp: { console: 'Infrastructure Backup Console', backupDataVersion: String(FORMAT_VERSION), ...declared },
              onProgress: (next) => {
                // Once cancelled, the job says so until it has ended, whatever step it is still finishing.
                record.progress = record.cancelledBy ? { ...next, state: 'Cancelling' } : next;
                ctx.events.publish({ type: 'job-progress', progress: record.progress });
              },
            },
          );
        } finally {
          await share.close();
        }
      } catch (error) {
        // The lock could not be taken, or the share could not be opened at all.
        const engineError = error instanceof EngineError ? error : shareError('general', undefined, error);
        const completedAt = clock.now();
        outcome = {
          manifest: {
            backupId,
            createdAt: startedAt.toISOString(),
            completedAt: completedAt.toISOString(),
            // However long it waited for the share (a server that does not answer: the whole deadline).
            durationSeconds: secondsBetween(startedAt, completedAt),
            trigger,
            state: 'Failed',
            components: [],
            recoveryReady: false,
            stamp: {},
          },
          failure: { message: engineError.message, ...(engineError.category ? { category: engineError.category } : {}) },
          leftoversKept: [],
        };
        if (engineError.code === 'backup-running') {
          outcome.failure = { message: engineError.message };
          conflict = true;
        }
      }
      this.finish(jobId, outcome, sealer.recipientThumbprint, sealer.encryptionMode, record.cancelledBy, signer.publicKey, conflict);
    })();
    return progress;
  }

  private finish(
    jobId: string,
    outcome: BackupJobOutcome,
    thumbprint: string | null,
    encryptionMode: 'certificate' | 'legacy-key',
    cancelledBy: CancelReason | null,
    signingPublicKey: string,
    conflict: boolean,
  ): void {
    const { ctx } = this.deps;
    // A job that ended because it was cancelled is Cancelled, not Failed; one that published before the cancel took effect stands.
    const cancelled = cancelledBy !== null && outcome.failure !== null;
    const recorded = summaryOf(
      {
        ...outcome.manifest,
        formatVersion: FORMAT_VERSION,
        signature: null,
        timeTakenToCreate: isoDuration(outcome.manifest.durationSeconds),
        encryption: { mode: encryptionMode, recipientThumbprint: thumbprint },
      },
      null,
    );
    // A job that ended without a failure of its own published a manifest signed with this console's key.
    const signed = { ...recorded, signedBy: outcome.failure === null ? signingPublicKey : null };
    const summary: BackupSummary = cancelled
      ? { ...signed, state: 'Cancelled', recoveryReady: false }
      : conflict
        ? { ...signed, state: 'Skipped', recoveryReady: false, reason: outcome.failure?.message ?? 'a conflict' }
        : signed;
    const failure: ApiError | null = outcome.failure
      ? cancelledBy && cancelled
        ? CANCELLED[cancelledBy]
        : conflict
          ? skippedForConflict(outcome.failure.message)
          : outcome.failure.category
            ? { ...shareError(outcome.failure.category, undefined).toApiError(), message: outcome.failure.message }
            : {
                code: 'backup-failed',
                message: outcome.failure.message,
                remediation: 'See the timeline and the log for details, then try again.',
              }
      : summary.state === 'Failed'
        ? componentsFailed(outcome.manifest.components)
        : null;
    for (const leftover of outcome.leftoversKept)
      ctx.logger.warn(
        { target: leftover.target, cause: leftover.message },
        'a leftover of a dead job could not be removed; the backup went on',
      );
    if (outcome.failure && !cancelled && !conflict)
      ctx.logger.warn(
        { backupId: summary.backupId, category: outcome.failure.category, cause: outcome.failure.technicalCause },
        outcome.failure.message,
      );
    if (thumbprint && (summary.state === 'Succeeded' || summary.state === 'PartialSucceeded'))
      ctx.settings.service.markCertificateUsed(thumbprint, signingPublicKey);
    this.active = null;
    const duringCopy = failure !== null && !cancelled && !conflict && outcome.failure?.duringCopy === true;
    ctx.events.publish({ type: 'job-finished', jobId, backup: summary, error: failure, ...(duringCopy ? { failedDuringCopy: true } : {}) });
  }

  /**
   * Cancels the running job: its progress says Cancelling at once (published
   * before this waits), and the job ends as Cancelled, leaving at most a
   * `.partial` folder the next run removes. Resolves when it has ended.
   */
  async cancel(reason: CancelReason = 'operator'): Promise<void> {
    const job = this.active;
    if (!job) throw invalidInput('job', 'No backup is running.', 'Nothing to cancel.');
    if (job.cancelledBy === null) {
      job.cancelledBy = reason;
      job.progress = { ...job.progress, state: 'Cancelling' };
      this.deps.ctx.events.publish({ type: 'job-progress', progress: job.progress });
      job.abort.abort();
    }
    await job.done;
  }

  /** Every entry under MASBackup\ as the contract's rows (expiry not set): backups newest first, then Unknown entries. */
  async list(): Promise<BackupSummary[]> {
    const { ctx, format } = this.deps;
    return withConfiguredShare(ctx, async (share) => {
      const settings = ctx.settings.service.stored();
      const cache = catalogCacheFor(ctx.configDir, settings, (reason) => ctx.logger.warn(reason));
      const listing = await listCatalog(share, format, { cache, signal: NO_CANCEL });
      if (listing.overLimit > 0)
        ctx.logger.warn(
          { notListed: listing.overLimit },
          `MASBackup holds more entries than one listing examines; ${listing.overLimit} were not examined or not listed (the next listings continue)`,
        );
      return listingSummaries(listing);
    });
  }

  async detail(backupId: string): Promise<BackupDetail> {
    const { ctx, format } = this.deps;
    return withConfiguredShare(ctx, async (share) => {
      const entry = await readBackup(share, format, backupId, NO_CANCEL);
      return detailOf(entry.manifest, null);
    });
  }

  async verify(input: VerifyInput): Promise<VerifyResult> {
    const { ctx, format } = this.deps;
    const key = input.key ? openingKey(input.key) : null;
    return withConfiguredShare(ctx, async (share) => {
      const { entry, problem } = await readBackupFolder(share, format, input.backupId, NO_CANCEL);
      const signer = judgeSigner(entry.manifest, ctx.settings.service.signingFacts(), input.trustSigner);
      if (problem !== null) {
        // A changed or forged manifest is what verify exists to find: a failed verification, not an error.
        return {
          backupId: input.backupId,
          deep: key !== null,
          ok: false,
          signer: signerView(signer),
          components: [{ name: 'manifest', ok: false, detail: `The manifest breaks the rules of a backup: ${problem}.` }],
        };
      }
      let unlocked = null;
      if (key) {
        try {
          unlocked = format.unlock(entry.manifestBytes, key);
          this.confirmPfx(entry.manifest);
        } catch (error) {
          if (error instanceof EngineError && error.code === 'verify-failed') {
            return {
              backupId: input.backupId,
              deep: true,
              ok: false,
              signer: signerView(signer),
              components: [{ name: 'manifest', ok: false, detail: error.message }],
            };
          }
          throw error;
        }
      }
      const operation = {
        operationId: input.operationId,
        kind: 'verify' as const,
        backupId: input.backupId,
        bytesTotal: storedBytes(entry.manifest.components.filter((component) => component.state === 'Succeeded')),
      };
      return this.operations.run(operation, (reporter) => verifyBackup(share, entry, unlocked, signer, reporter));
    });
  }

  /** Cancel: the verify or restore fails with 'cancelled' and leaves nothing behind. */
  cancelOperation(operationId: string): void {
    this.operations.cancel(operationId);
  }

  async restore(input: RestoreInput): Promise<RestoreResult> {
    const { ctx, format } = this.deps;
    const key = openingKey(input.key);
    return withConfiguredShare(ctx, async (share) => {
      const entry = await readBackup(share, format, input.backupId, NO_CANCEL);
      // Who wrote it is decided before anything is decrypted: a refused backup is never opened.
      const signer = judgeSigner(entry.manifest, ctx.settings.service.signingFacts(), input.trustSigner);
      if (!signer.acceptable) throw refuseSigner(entry.manifest.backupId, signer);
      const unlocked = format.unlock(entry.manifestBytes, key);
      this.confirmPfx(entry.manifest);
      const wanted = entry.manifest.components.filter((component) =>
        input.component ? component.name === input.component : component.state === 'Succeeded',
      );
      const operation = {
        operationId: input.operationId,
        kind: 'restore' as const,
        backupId: input.backupId,
        bytesTotal: storedBytes(wanted),
      };
      return this.operations.run(operation, (reporter) =>
        restoreBackup(
          share,
          format,
          entry,
          unlocked,
          { targetFolder: input.targetFolder, ...(input.component ? { component: input.component } : {}) },
          signer,
          reporter,
        ),
      );
    });
  }

  /**
   * A .pfx just opened a backup (restore, deep verify): the operator holds the key of the certificate
   * it is encrypted to, as "Check my recovery key" would have shown, so that certificate counts as confirmed.
   */
  private confirmPfx(manifest: ReadManifest): void {
    if (manifest.encryption.mode === 'certificate' && manifest.encryption.recipientThumbprint)
      this.deps.ctx.settings.service.markPfxConfirmed(manifest.encryption.recipientThumbprint);
  }

  async checkRecoveryKey(input: { pfxBase64: string; password: string }): Promise<RecoveryKeyCheck> {
    const { ctx, format } = this.deps;
    const opened = openPfx(Buffer.from(input.pfxBase64, 'base64'), input.password);
    const current = ctx.settings.service.view().encryption;
    const thumbprint = opened.certificate?.thumbprint ?? null;
    const matchesCurrentCertificate = current.mode === 'certificate' && thumbprint === current.certificate.thumbprint;
    let opensNewestBackup: boolean | null = null;
    let detail = matchesCurrentCertificate
      ? 'This .pfx belongs to the configured encryption certificate.'
      : 'This .pfx does not belong to the configured encryption certificate.';
    try {
      await withConfiguredShare(ctx, async (share) => {
        const newestListed = (await this.list()).find((backup) => backup.state === 'Succeeded' || backup.state === 'PartialSucceeded');
        if (!newestListed) return;
        const newest = await readBackup(share, format, newestListed.backupId, NO_CANCEL);
        try {
          format.unlock(newest.manifestBytes, { kind: 'private-key', privateKey: opened.privateKey });
          opensNewestBackup = true;
          detail += ` It opens the newest backup (${newest.manifest.backupId}).`;
        } catch {
          opensNewestBackup = false;
          detail += ` It does not open the newest backup (${newest.manifest.backupId}), which was encrypted to ${newest.manifest.encryption.recipientThumbprint ?? 'a legacy key'}.`;
        }
      });
    } catch (error) {
      if (!(error instanceof EngineError && error.code === 'not-configured')) throw error;
    }
    if (thumbprint && (matchesCurrentCertificate || opensNewestBackup)) ctx.settings.service.markPfxConfirmed(thumbprint);
    return { matchesCurrentCertificate, thumbprint, opensNewestBackup, detail };
  }
}

/** The share's lock was held by another console (or a prune): the backup was skipped, and says why. */
function skippedForConflict(message: string): ApiError {
  return {
    code: 'backup-running',
    message: `The backup was skipped: ${message}`,
    remediation:
      'Wait for the other operation to finish; the next scheduled backup runs as usual. If only one console should write to this location, check which other console is configured for it.',
  };
}

/** A job whose every component failed (the share worked; the sources did not): why, per component. */
function componentsFailed(components: ReadonlyArray<{ name: string; error?: string }>): ApiError {
  const reasons = components.map((component) => `${component.name}: ${component.error ?? 'failed'}`).join('; ');
  return {
    code: 'backup-failed',
    message: `No component could be backed up (${reasons || 'no components'}).`,
    remediation: 'Check the sources (`infra-backup sources list`): a folder must exist and a command must exit 0.',
  };
}

const storedBytes = (components: ReadonlyArray<{ storedBytes: number }>): number =>
  components.reduce((sum, component) => sum + component.storedBytes, 0);

function openingKey(key: RecoveryKeyInput): OpeningKey {
  if (key.kind === 'pfx')
    return { kind: 'private-key', privateKey: openPfx(Buffer.from(key.pfxBase64, 'base64'), key.password).privateKey };
  registerSecret(key.keyBase64);
  const bytes = Buffer.from(key.keyBase64, 'base64');
  if (bytes.length !== 32)
    throw invalidInput('key', 'The legacy encryption key must be base64 of 32 bytes.', 'Paste the key exactly as it was generated.');
  return { kind: 'legacy-key', key: bytes };
}
