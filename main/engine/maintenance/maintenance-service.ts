import type { Alert, AlertKind, ApiEvent } from '../../../preload/api';
import { AlertCenter, backupFacts } from '../alerts';
import type { Clock, TimerHandle } from '../clock';
import type { EngineContext } from '../context';
import type { RunLog } from '../history/run-log';
import { foreignKeys, ownKeysOf, type RetentionRunner } from '../retention';
import type { Scheduler } from '../schedule';
import type { CapacityMonitor } from './capacity-monitor';
import { locationKey } from './location-key';
import type { ShareSnapshot } from './share-snapshot';

/**
 * N of docs/SCHEDULING.md: while nothing happens, the share is listed,
 * retention runs and the capacity is read at most once per this interval.
 * Retention deletes backups a day or more past their time, so half an hour
 * late is harmless; two listings an hour is what a file server's audit log
 * shows of an idle console.
 */
export const MAINTENANCE_INTERVAL_MS = 30 * 60_000;

/** Alert kinds drawn from the share's listing: unknown until the share has been listed. */
const LISTING_ALERTS: readonly AlertKind[] = ['capacity-forecast', 'unconfirmed-recovery-key', 'foreign-backups', 'unknown-share-content'];
/** Alert kinds drawn from the free capacity: unknown while it cannot be read. */
const CAPACITY_ALERTS: readonly AlertKind[] = ['capacity-forecast', 'share-almost-full'];
/** Alert kinds drawn from a retention pass: unknown until one ran in this process. */
const RETENTION_ALERTS: readonly AlertKind[] = ['retention-delete-failed'];

export interface MaintenanceDeps {
  ctx: EngineContext;
  clock: Clock;
  snapshot: ShareSnapshot;
  capacity: CapacityMonitor;
  retention: RetentionRunner;
  alerts: AlertCenter;
  scheduler: Scheduler;
  runLog: RunLog;
  secretStorageWarning: string | null;
  intervalMs?: number;
}

type Work = 'after-job' | 'after-unreachable' | 'run-elsewhere' | 'settings-changed' | 'idle' | 'alerts';

/**
 * Everything that keeps the share and the alerts in order without the
 * operator, in one place and one queue. It reacts to the engine's events —
 * a finished job (the share changed: list it, one retention pass, read the
 * capacity, re-evaluate alerts), changed settings (a new location is listed;
 * a lowered retention period deletes now) — and to its own slow timer (at
 * most one listing, one retention pass and one capacity reading per
 * MAINTENANCE_INTERVAL_MS). The scheduler only starts jobs; what follows a
 * job happens here, once.
 */
export class MaintenanceService {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: TimerHandle | null = null;
  private lastPassMs = Number.NEGATIVE_INFINITY;
  private retentionRan = false;
  private abandoned = false;
  /** Another process's run ended since the share was last listed here: what the listing and capacity say is old. */
  private shareChangedElsewhere = false;
  private settingsKey: string;
  private retentionDays: number;
  private readonly intervalMs: number;

  constructor(private readonly deps: MaintenanceDeps) {
    this.intervalMs = deps.intervalMs ?? MAINTENANCE_INTERVAL_MS;
    const settings = deps.ctx.settings.service.stored();
    this.settingsKey = locationKey(settings);
    this.retentionDays = settings.retentionDays;
    deps.ctx.events.subscribe((event) => this.onEvent(event));
  }

  /** Hosts that stay up: a first pass now, then the slow timer. */
  start(): Promise<void> {
    if (this.timer === null) this.arm();
    return this.enqueue('idle');
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** The console is stopping now (SIGTERM, quit): what is queued, and the steps left of the pass under way, are dropped. */
  abandon(): void {
    this.stop();
    this.abandoned = true;
  }

  /** The machine woke up: the share may have changed while it slept (an idle pass, if one is due). */
  onResume(): Promise<void> {
    return this.enqueue('idle');
  }

  /** Re-evaluates the alerts now, after the work already queued; resolves with the active ones. */
  async refreshAlerts(): Promise<Alert[]> {
    await this.enqueue('alerts');
    return this.deps.alerts.list();
  }

  /** Resolves when every reaction queued so far has run. */
  async whenIdle(): Promise<void> {
    for (let seen: Promise<unknown> | null = null; seen !== this.queue;) {
      seen = this.queue;
      await seen;
    }
  }

  private onEvent(event: ApiEvent): void {
    if (event.type === 'job-finished') {
      // A job that could not reach the share (a dead or hung server): listing it and reading its free space would each
      // wait out the same deadline again. Its capacity is unknown now; the next idle pass tries the share again.
      if (event.error?.category === 'connectivity') {
        this.deps.capacity.unreadable(event.error);
        void this.enqueue('after-unreachable');
      } else void this.enqueue('after-job');
    } else if (event.type === 'settings-changed') void this.enqueue('settings-changed');
    // A pause begins or ends (the paused alert follows it).
    else if (event.type === 'schedule-changed') void this.enqueue('alerts');
    // Another process on this station ran a backup (a CLI one beside this console): the share changed, the alerts follow its outcome.
    else if (event.type === 'timeline-appended' && event.recordedElsewhere && event.event.kind === 'run-finished') {
      this.shareChangedElsewhere = true;
      void this.enqueue('run-elsewhere');
    }
  }

  private arm(): void {
    this.timer = this.deps.clock.setTimer(this.intervalMs, () => {
      this.arm();
      void this.enqueue('idle');
    });
  }

  private enqueue(work: Work): Promise<void> {
    const run = this.queue.then(() => this.run(work));
    this.queue = run.catch((error: unknown) => this.deps.ctx.logger.warn({ err: error, work }, 'maintenance failed'));
    return run;
  }

  private async run(work: Work): Promise<void> {
    if (this.abandoned) return;
    const configured = this.deps.ctx.settings.service.stored().configured;
    if (work === 'after-job' && configured) await this.sharePass(work, { list: true, capacity: true });
    if (work === 'run-elsewhere' && configured) await this.listAfterRunElsewhere();
    if (work === 'settings-changed' && configured) await this.afterSettingsChange();
    if (work === 'idle' && configured && this.deps.clock.elapsedMs() - this.lastPassMs >= this.intervalMs)
      await this.sharePass(work, { list: this.deps.snapshot.ageMs() >= this.intervalMs, capacity: true });
    // Facts a stopping console cut short (a listing ended by it) are no reason to raise or close an alert.
    if (!this.abandoned) await this.updateAlerts();
  }

  /** A new location is listed (what is there?); a lowered retention period deletes what the operator agreed to, now. */
  private async afterSettingsChange(): Promise<void> {
    const settings = this.deps.ctx.settings.service.stored();
    const key = locationKey(settings);
    const locationChanged = key !== this.settingsKey;
    const retentionLowered = settings.retentionDays < this.retentionDays;
    this.settingsKey = key;
    this.retentionDays = settings.retentionDays;
    if (locationChanged || retentionLowered) await this.sharePass('settings-changed', { list: locationChanged, capacity: locationChanged });
  }

  /**
   * Another process's run changed the share (a backup more, what its own retention pass deleted):
   * listed again and the capacity read, so the alerts drawn from them do not go by the listing
   * from before it. No retention pass: that process ran one.
   */
  private async listAfterRunElsewhere(): Promise<void> {
    const { ctx, capacity } = this.deps;
    try {
      await this.listShare();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'the share could not be listed after a backup run by another process');
    }
    await capacity.refresh(0);
  }

  /** One retention pass over a listing of the share (fresh when `list`), then the capacity. Failures are logged, never thrown. */
  private async sharePass(cause: Work, options: { list: boolean; capacity: boolean }): Promise<void> {
    const { ctx, retention, capacity, clock } = this.deps;
    this.lastPassMs = clock.elapsedMs();
    try {
      if (options.list) await this.listShare();
      if (this.abandoned) return;
      ctx.logger.debug({ cause }, 'retention pass');
      await retention.run();
      this.retentionRan = true;
    } catch (error) {
      ctx.logger.warn({ err: error }, 'retention pass failed; it is retried on the next pass');
    }
    if (options.capacity && !this.abandoned) await capacity.refresh(0);
  }

  /** Lists the share afresh: that listing has seen every run another process ended before it. */
  private async listShare(): Promise<void> {
    const changedElsewhere = this.shareChangedElsewhere;
    this.shareChangedElsewhere = false;
    try {
      await this.deps.snapshot.refresh();
    } catch (error) {
      this.shareChangedElsewhere ||= changedElsewhere;
      throw error;
    }
  }

  private async updateAlerts(): Promise<void> {
    const { ctx, clock, scheduler, runLog, snapshot, retention, capacity } = this.deps;
    const settings = ctx.settings.service.stored();
    // As saved, not as last seen: a pause another process made (a one-shot command beside this one), or
    // the schedule of a station where this is a one-shot command itself.
    const view = await scheduler.current();
    const listing = snapshot.known();
    const facts = backupFacts(listing ?? []);
    const certificates = ctx.settings.service.certificateHistory();
    const lastRun = await runLog.conclusive();
    const lastSuccess = await runLog.success();
    const lastAttempt = await runLog.attempt();
    // Read after the run log, which has just taken the runs other processes recorded: a listing (and a
    // capacity reading) from before one of them cannot tell, nor close, what that process raised from newer ones.
    const shareOld = this.shareChangedElsewhere;
    await this.deps.alerts.update(
      {
        now: clock.now(),
        configured: settings.configured,
        lastRun: lastRun
          ? {
              state: lastRun.state,
              finishedAt: lastRun.finishedAt,
              category: lastRun.category,
              message: lastRun.reason,
              failedDuringCopy: lastRun.failedDuringCopy === true,
            }
          : null,
        lastAttempt: lastAttempt ? { state: lastAttempt.state, finishedAt: lastAttempt.finishedAt, message: lastAttempt.reason } : null,
        lastSuccessAt: lastSuccess?.finishedAt ?? null,
        msSinceLastSuccess: await runLog.successAgeMs(),
        lastBackupSizeBytes: facts.lastBackupSizeBytes,
        schedule: {
          enabled: view.enabled,
          disabledSince: view.disabledSince,
          frequencyHours: view.frequencyHours,
          anchor: view.anchor,
          pause: view.pause,
        },
        retentionDays: settings.retentionDays,
        almostFullPercent: settings.almostFullPercent,
        capacity: {
          freeBytes: capacity.current().freeBytes,
          totalBytes: capacity.current().totalBytes,
          storedBackupBytes: facts.storedBackupBytes,
        },
        certificateHistory: certificates.map((entry) => ({
          thumbprint: entry.thumbprint,
          pfxConfirmed: entry.pfxConfirmed,
          backupIds: (listing ?? []).filter((b) => b.certificateThumbprint === entry.thumbprint).map((b) => b.backupId),
        })),
        retentionDeleteFailures: retention.lastFailures,
        foreignBackups: foreignKeys(listing ?? [], ownKeysOf(ctx.settings.service)),
        unknownEntries: (listing ?? []).filter((b) => b.state === 'Unknown').map((b) => b.backupId),
        unreadableLock: retention.lastUnreadableLock ?? null,
        encryptionMode: settings.encryption.mode,
        secretStorageFallback: this.deps.secretStorageWarning,
      },
      [
        ...(listing === null || shareOld ? LISTING_ALERTS : []),
        ...(capacity.current().freeBytes === null || shareOld ? CAPACITY_ALERTS : []),
        ...(this.retentionRan ? [] : RETENTION_ALERTS),
        // Whether the lock can be read is known from a retention pass of this process only.
        ...(retention.lastUnreadableLock === undefined ? (['unreadable-lock'] as const) : []),
      ].filter(
        // With every .pfx confirmed, no backup can be unconfirmed: that needs no listing.
        (kind) => !(kind === 'unconfirmed-recovery-key' && certificates.every((entry) => entry.pfxConfirmed)),
      ),
    );
  }
}
