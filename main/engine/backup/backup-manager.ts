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
import { runBackupJob, type BackupJobOutcome } from './backup-job';
import { detailOf, listCatalog, listingSummaries, readBackup, summaryOf } from './catalog';
import { catalogCacheFor } from './catalog-cache';
import { NO_CANCEL } from '../share/abort';
import type { BackupFormat, OpeningKey } from './codec-port';
import type { Clock } from './job-clock';
import { restoreBackup } from './restore';
import { verifyBackup } from './verify';
import { FORMAT_VERSION } from './backup-format';
import { judgeSigner, refuseSigner, signerView } from './signer-policy';

export interface FinishedJob {
  jobId: string;
  trigger: BackupTrigger;
  summary: BackupSummary;
  failure: ApiError | null;
  startedAt: string;
}

export interface BackupManagerDeps {
  ctx: EngineContext;
  format: BackupFormat;
  clock: Clock;
  /** Called after every job (schedule, history, alerts, retention hook in here). */
  onFinished?: (job: FinishedJob) => Promise<void> | void;
  onStarted?: (job: { jobId: string; backupId: string; trigger: BackupTrigger; at: string }) => void;
  lock?: { heartbeatEveryMs?: number; staleAfterMs?: number };
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
 */
export class BackupManager {
  private active: { progress: JobProgress; abort: AbortController; done: Promise<void> } | null = null;
  private starting = false;

  constructor(private readonly deps: BackupManagerDeps) {}

  isRunning(): boolean {
    return this.active !== null || this.starting;
  }

  activeJob(): JobProgress | null {
    return this.active?.progress ?? null;
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
    const record: { progress: JobProgress; abort: AbortController; done: Promise<void> } = { progress, abort, done: Promise.resolve() };
    this.active = record;
    this.deps.onStarted?.({ jobId, backupId, trigger, at: startedAt.toISOString() });
    ctx.events.publish({ type: 'job-progress', progress });

    record.done = (async () => {
      let outcome: BackupJobOutcome;
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
              stamp: { console: 'Infrastructure Backup Console' },
              onProgress: (next) => {
                record.progress = next;
                ctx.events.publish({ type: 'job-progress', progress: next });
              },
            },
          );
        } finally {
          await share.close();
        }
      } catch (error) {
        // The lock could not be taken, or the share could not be opened at all.
        const engineError = error instanceof EngineError ? error : shareError('general', undefined, error);
        outcome = {
          manifest: {
            backupId,
            createdAt: startedAt.toISOString(),
            completedAt: clock.now().toISOString(),
            durationSeconds: 0,
            trigger,
            state: 'Failed',
            components: [],
            recoveryReady: false,
            stamp: {},
          },
          failure: { message: engineError.message, ...(engineError.category ? { category: engineError.category } : {}) },
          leftoversKept: [],
        };
        if (engineError.code === 'backup-running') outcome.failure = { message: engineError.message };
      }
      await this.finish(
        jobId,
        trigger,
        startedAt.toISOString(),
        outcome,
        sealer.recipientThumbprint,
        sealer.encryptionMode,
        abort.signal.aborted,
        signer.publicKey,
      );
    })();
    return progress;
  }

  private async finish(
    jobId: string,
    trigger: BackupTrigger,
    startedAt: string,
    outcome: BackupJobOutcome,
    thumbprint: string | null,
    encryptionMode: 'certificate' | 'legacy-key',
    cancelled: boolean,
    signingPublicKey: string,
  ): Promise<void> {
    const { ctx } = this.deps;
    const summary: BackupSummary = {
      ...summaryOf(
        {
          ...outcome.manifest,
          formatVersion: FORMAT_VERSION,
          signature: null,
          encryption: { mode: encryptionMode, recipientThumbprint: thumbprint },
        },
        null,
      ),
    };
    const failure: ApiError | null = outcome.failure
      ? cancelled
        ? { code: 'cancelled', message: 'The backup was cancelled; nothing of it was kept.', remediation: 'Start a new backup when ready.' }
        : outcome.failure.category
          ? { ...shareError(outcome.failure.category, undefined).toApiError(), message: outcome.failure.message }
          : {
              code: 'backup-failed',
              message: outcome.failure.message,
              remediation: 'See the timeline and the log for details, then try again.',
            }
      : null;
    for (const leftover of outcome.leftoversKept)
      ctx.logger.warn(
        { target: leftover.target, cause: leftover.message },
        'a leftover of a dead job could not be removed; the backup went on',
      );
    if (outcome.failure)
      ctx.logger.warn(
        { backupId: summary.backupId, category: outcome.failure.category, cause: outcome.failure.technicalCause },
        outcome.failure.message,
      );
    if (thumbprint && summary.state !== 'Failed') ctx.settings.service.markCertificateUsed(thumbprint, signingPublicKey);
    this.active = null;
    try {
      await this.deps.onFinished?.({ jobId, trigger, summary, failure, startedAt });
    } catch (error) {
      ctx.logger.error({ err: error }, 'recording the finished job failed');
    }
    ctx.events.publish({ type: 'job-finished', backup: summary, error: failure });
  }

  async cancel(): Promise<void> {
    if (!this.active) throw invalidInput('job', 'No backup is running.', 'Nothing to cancel.');
    this.active.abort.abort();
    await this.active.done;
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
      const entry = await readBackup(share, format, input.backupId, NO_CANCEL);
      const signer = judgeSigner(entry.manifest, ctx.settings.service.signingFacts(), input.trustSigner);
      let unlocked = null;
      if (key) {
        try {
          unlocked = format.unlock(entry.manifestBytes, key);
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
      return verifyBackup(share, entry, unlocked, signer);
    });
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
      return restoreBackup(
        share,
        format,
        entry,
        unlocked,
        { targetFolder: input.targetFolder, ...(input.component ? { component: input.component } : {}) },
        signer,
      );
    });
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

function openingKey(key: RecoveryKeyInput): OpeningKey {
  if (key.kind === 'pfx')
    return { kind: 'private-key', privateKey: openPfx(Buffer.from(key.pfxBase64, 'base64'), key.password).privateKey };
  registerSecret(key.keyBase64);
  const bytes = Buffer.from(key.keyBase64, 'base64');
  if (bytes.length !== 32)
    throw invalidInput('key', 'The legacy encryption key must be base64 of 32 bytes.', 'Paste the key exactly as it was generated.');
  return { kind: 'legacy-key', key: bytes };
}
