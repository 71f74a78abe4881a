import type { Alert, BackupSummary, RetentionPreview, ScheduleView, TimelineEvent } from '../../preload/api';
import { AlertCenter, alertFileStore, backupFacts, lastRunFromTimeline, type Notifier } from './alerts';
import { HistoryStore, historyFileIn, runFinishedEvent, runStartedEvent } from './history';
import { RetentionRunner, findLeftovers, foreignKeys, ownKeysOf, withExpiry, type ShareLeftovers } from './retention';
import { Scheduler, scheduleFileStore } from './schedule';
import type { Clock } from './clock';
import { withConfiguredShare, type EngineContext } from './context';
import type { BackupManager, FinishedJob } from './backup/backup-manager';
import { NO_CANCEL } from './share/abort';

export interface AutomationDeps {
  ctx: EngineContext;
  clock: Clock;
  backups: () => BackupManager;
  notifier?: Notifier;
  freeBytes: () => number | null;
  secretStorageWarning: string | null;
}

/**
 * Everything that happens without the operator: the scheduler, retention
 * after every backup and every tick, the timeline, and alerts. Built once by
 * createEngine; `start()` only in hosts that stay up (desktop, web, service).
 */
export class Automation {
  readonly history: HistoryStore;
  readonly scheduler: Scheduler;
  readonly retention: RetentionRunner;
  readonly alerts: AlertCenter;
  /** The share's backups as last listed (retention and alert facts reuse one listing per pass). */
  private lastListing: BackupSummary[] = [];

  constructor(private readonly deps: AutomationDeps) {
    const { ctx, clock } = deps;
    const warnInvalid = (what: string) => (reason: string) => ctx.logger.warn({ reason }, `${what} was unreadable and was reset`);
    this.history = new HistoryStore({
      file: historyFileIn(ctx.configDir),
      clock,
      onAppend: (event) => ctx.events.publish({ type: 'timeline-appended', event }),
    });
    this.alerts = new AlertCenter({
      store: alertFileStore(ctx.configDir, warnInvalid('alerts.json')),
      ...(deps.notifier ? { notifier: deps.notifier } : {}),
      onChange: (alerts) => ctx.events.publish({ type: 'alerts-changed', alerts }),
      onError: (error) => ctx.logger.warn({ err: error }, 'notification failed'),
    });
    this.retention = new RetentionRunner({
      clock,
      timeline: this.history,
      target: {
        rename: (from, to) => withConfiguredShare(ctx, (share) => share.rename(from, to, NO_CANCEL)),
        deleteTree: (path) => withConfiguredShare(ctx, (share) => share.deleteTree(path, NO_CANCEL)),
      },
      listBackups: async () => (this.lastListing = await deps.backups().list()),
      listLeftovers: () => this.listLeftovers(),
      retentionDays: () => ctx.settings.service.stored().retentionDays,
      ownKeys: () => ownKeysOf(ctx.settings.service),
    });
    this.scheduler = new Scheduler({
      clock,
      store: scheduleFileStore(ctx.configDir, warnInvalid('schedule.json')),
      timeline: this.history,
      runBackup: async (trigger) => {
        await deps.backups().start(trigger);
        await deps.backups().whenIdle();
      },
      isJobRunning: () => deps.backups().isRunning(),
      afterTick: () => this.maintain(),
      lastBackupTime: () => this.newestListed()?.completedAt ?? null,
      onChange: (view: ScheduleView) => ctx.events.publish({ type: 'schedule-changed', schedule: view }),
      onError: (error, where) => ctx.logger.error({ err: error, where }, 'scheduler error'),
    });
  }

  async start(): Promise<void> {
    await this.syncSchedule();
    await this.scheduler.start();
    // Essentials' "last backup" and the alert facts start from the share, not from an empty memory.
    void this.currentListing()
      .then(() => this.updateAlerts())
      .catch(() => undefined);
  }

  /** The newest backup that holds data, from the last listing of the share. */
  newestListed(): BackupSummary | null {
    return this.lastListing.find((backup) => backup.state === 'Succeeded' || backup.state === 'PartialSucceeded') ?? null;
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** Keeps the schedule in step with the settings (first configuration starts it). */
  async syncSchedule(): Promise<ScheduleView> {
    const settings = this.deps.ctx.settings.service.stored();
    if (!settings.configured) return this.scheduler.view();
    return this.scheduler.configure({ frequencyHours: settings.frequencyHours, enabled: settings.automaticBackups });
  }

  async recordStarted(job: { backupId: string; trigger: FinishedJob['trigger']; at: string }): Promise<void> {
    await this.history.append(runStartedEvent(job));
  }

  async recordFinished(job: FinishedJob): Promise<void> {
    const at = job.summary.completedAt ?? this.deps.clock.now().toISOString();
    const durationSeconds = Math.max(0, (Date.parse(at) - Date.parse(job.startedAt)) / 1000);
    await this.history.append(
      runFinishedEvent({
        backupId: job.summary.backupId,
        trigger: job.trigger,
        state: job.summary.state,
        at,
        durationSeconds,
        ...(job.failure?.category ? { category: job.failure.category } : {}),
        ...(job.failure ? { message: job.failure.message } : {}),
      }),
    );
    // Retention after every backup, then the alerts see the new state.
    await this.maintain();
  }

  /** Retention (when configured) and alert evaluation; failures are logged and alerted, never thrown. */
  async maintain(): Promise<void> {
    const { ctx } = this.deps;
    const settings = ctx.settings.service.stored();
    if (settings.configured) {
      try {
        await this.retention.run();
      } catch (error) {
        ctx.logger.warn({ err: error }, 'retention pass failed; it is retried on the next tick');
      }
    }
    await this.updateAlerts();
  }

  async updateAlerts(): Promise<Alert[]> {
    const { ctx, clock } = this.deps;
    const settings = ctx.settings.service.stored();
    const view = this.scheduler.view();
    const history = ctx.settings.service.certificateHistory();
    const update = await this.alerts.update({
      now: clock.now(),
      configured: settings.configured,
      lastRun: lastRunFromTimeline(await this.history.query({ kinds: ['run-finished'], limit: 1 })),
      ...backupFacts(this.lastListing),
      schedule: { enabled: view.enabled, disabledSince: view.disabledSince, frequencyHours: view.frequencyHours, anchor: view.anchor },
      retentionDays: settings.retentionDays,
      capacity: { freeBytes: this.deps.freeBytes(), storedBackupBytes: backupFacts(this.lastListing).storedBackupBytes },
      certificateHistory: history.map((entry) => ({
        thumbprint: entry.thumbprint,
        pfxConfirmed: entry.pfxConfirmed,
        backupIds: this.lastListing.filter((b) => b.certificateThumbprint === entry.thumbprint).map((b) => b.backupId),
      })),
      retentionDeleteFailures: this.retention.lastFailures,
      foreignBackups: foreignKeys(this.lastListing, ownKeysOf(ctx.settings.service)),
      unknownEntries: this.lastListing.filter((b) => b.state === 'Unknown').map((b) => b.backupId),
      unreadableLock: this.retention.lastUnreadableLock,
      encryptionMode: settings.encryption.mode,
      secretStorageFallback: this.deps.secretStorageWarning,
    });
    return update.active;
  }

  /** Adds each backup's retention expiry to a listing, and keeps it for the facts. */
  withExpiry(backups: BackupSummary[]): BackupSummary[] {
    this.lastListing = backups;
    return withExpiry(backups, this.deps.ctx.settings.service.stored().retentionDays, ownKeysOf(this.deps.ctx.settings.service));
  }

  /** The last listing of the share, refreshed when backup is configured and the share answers. */
  async currentListing(): Promise<BackupSummary[]> {
    if (!this.deps.ctx.settings.service.stored().configured) return [];
    try {
      this.lastListing = await this.deps.backups().list();
    } catch (error) {
      this.deps.ctx.logger.debug({ err: error }, 'share not listed');
    }
    return this.lastListing;
  }

  preview(retentionDays: number): Promise<RetentionPreview> {
    return this.retention.preview(retentionDays);
  }

  timeline(query: { kinds?: TimelineEvent['kind'][]; limit?: number }): Promise<TimelineEvent[]> {
    return this.history.query(query);
  }

  private async listLeftovers(): Promise<ShareLeftovers> {
    const { ctx, clock } = this.deps;
    return withConfiguredShare(ctx, (share) => findLeftovers(share, clock.now().getTime()));
  }
}
