import { EngineError } from './errors';
import type { Alert, AppInfo, BackupConsoleApi, EssentialsView } from '../../preload/api';
import { EventHub, type EventListener } from './app/events';
import { statOf, watchFiles, type FilesWatch } from './app/config-files-watch';
import { createLogger, type Logger } from './app/logger';
import { PRODUCT_NAME } from './app/config-dir';
import type { EngineContext } from './context';
import { keyMethods } from './methods/keys';
import { settingsMethods } from './methods/settings';
import { sourceMethods } from './methods/sources';
import { shareMethods } from './methods/share';
import { openSettings } from './settings';
import { SETTINGS_FILE_NAME } from './settings/settings-store';
import type { SafeStorageLike } from './secrets/safe-storage-secret-store';
import { SourceStore } from './sources/source-store';
import { stationSources, type StationSources } from './sources/station-sources';
import { DAY_MS, processClock, type Clock } from './clock';
import { BackupManager } from './backup/backup-manager';
import { backupFormat } from './backup/backup-format';
import { backupListRows } from './backup/backup-list';
import { catalogCacheFor } from './backup/catalog-cache';
import { pruneExternalStore } from './retention/prune';
import { AlertCenter, alertFileStore, lineNotifier, type Notifier } from './alerts';
import { HISTORY_FILE_NAME, HistoryStore, historyFileIn, RunLog } from './history';
import { RetentionRunner, ownKeysOf, withExpiry } from './retention';
import { SCHEDULE_FILE_NAME, Scheduler, scheduleFileStore } from './schedule';
import { withConfiguredShare } from './context';
import { CapacityMonitor } from './maintenance/capacity-monitor';
import { MaintenanceService } from './maintenance/maintenance-service';
import { ShareSnapshot } from './maintenance/share-snapshot';
import { scheduleMethods } from './methods/schedule';
import { openFileShare } from './share/open-share';
import { SmbclientSessions } from './share/smbclient-sessions';
import { NO_CANCEL } from './share/abort';
import { timelineMethods } from './methods/timeline';
import { NotificationService, syslog, windowsEventLog, type SystemLog } from './notify';
import { notifyMethods } from './methods/notify';
import { hostname } from 'node:os';
import { StampService, stampMethods, type StampTiming, type RetryPolicy } from './stamp';

/** What the host (desktop, web host, CLI) gives the engine. Nothing here is Electron-specific. */
export interface EngineDeps {
  configDir: string;
  version: string;
  frontDoor: AppInfo['frontDoor'];
  logger?: Logger;
  /** Desktop: Electron's safeStorage, asked over the engine host's port. Headless: absent (0600 key file). */
  safeStorage?: SafeStorageLike;
  /** Injected time and timers, for tests. */
  clock?: Clock;
  /** Desktop notifications (Electron Notification); headless: a log line. */
  notifier?: Notifier;
  /** Where system log lines go (tests: a socket they bind); default: syslog's /dev/log, the Event Log on Windows. */
  systemLog?: SystemLog;
  /** How the configured share is opened (tests wrap the driver, e.g. to count calls). */
  openShare?: typeof openFileShare;
  /** A stamp's retries and polls: how they wait (tests record the waits), and how often they retry. */
  stamp?: { timing?: StampTiming; retry?: RetryPolicy; env?: NodeJS.ProcessEnv };
}

export interface Engine extends BackupConsoleApi {
  onEvent(listener: EventListener): () => void;
  /** Outside the contract: only the CLI on the station reaches these (command sources). */
  station: StationSources;
  /** Hosts that stay up (desktop, web host, service) run the scheduler and the maintenance timer; one-shot CLI commands do not. */
  startAutomation(): Promise<void>;
  /** The machine woke up (Electron powerMonitor 'resume'): a missed slot runs once, as a catch-up. */
  resumeFromSleep(): Promise<void>;
  /** Stops the timers and cancels a running job (it leaves only a .partial for the next run to clean). */
  shutdown(): Promise<void>;
  /** Stops the timers and waits for the running job and everything that follows it (records, retention, alerts). */
  close(): Promise<void>;
  /** Resolves when the running job (if any) and everything it set off have finished; the timers keep running. */
  whenIdle(): Promise<void>;
  /** Resolves when every stamp operation this engine follows (a backup it started) has ended. */
  whenStampIdle(): Promise<void>;
}

/**
 * The one implementation of the contract. Its parts are built in order, each
 * from the parts before it — nothing refers forward — and talk through the
 * engine's events: the backup manager publishes a job's start and end; the
 * run log records them; the maintenance service lists the share, runs
 * retention and evaluates alerts in response. Every front door is a thin
 * adapter over the object this returns.
 */
export function createEngine(deps: EngineDeps): Engine {
  const events = new EventHub();
  const logger = deps.logger ?? createLogger();
  const clock = deps.clock ?? processClock();
  const now = (): Date => clock.now();
  const settings = openSettings({
    configDir: deps.configDir,
    now,
    ...(deps.safeStorage ? { safeStorage: deps.safeStorage } : {}),
  });
  const ctx: EngineContext = {
    configDir: deps.configDir,
    now,
    logger,
    events,
    settings,
    sources: new SourceStore(deps.configDir),
    openShare: deps.openShare ?? openFileShare,
    smbSessions: new SmbclientSessions(),
  };
  if (settings.secretStorageWarning) logger.warn(settings.secretStorageWarning);
  const warnInvalid = (what: string) => (reason: string) => logger.warn({ reason }, `${what} was unreadable and was reset`);

  const history = new HistoryStore({
    file: historyFileIn(deps.configDir),
    clock,
    onAppend: (event) => events.publish({ type: 'timeline-appended', event }),
    // Another process's run reaches the run log and the alerts as this one's does: through the events.
    onAppendedElsewhere: (event) => events.publish({ type: 'timeline-appended', event, recordedElsewhere: true }),
    onLockProblem: (error) =>
      logger.warn({ err: error }, 'history.jsonl could not be locked; this event was appended without waiting for other processes'),
  });
  // Subscribed first: when a front door hears that a job finished, the run log already knows.
  const runLog = new RunLog({ history, events, clock, logger });
  const backups = new BackupManager({ ctx, format: backupFormat, clock });
  const scheduler = new Scheduler({
    clock,
    store: scheduleFileStore(deps.configDir, warnInvalid('schedule.json')),
    timeline: history,
    runBackup: async (trigger) => {
      await backups.start(trigger);
      await backups.whenIdle();
    },
    isJobRunning: () => backups.isRunning(),
    onChange: (schedule) => events.publish({ type: 'schedule-changed', schedule }),
    onError: (error, where) => logger.error({ err: error, where }, 'scheduler error'),
  });
  const snapshot = new ShareSnapshot({ ctx, backups, clock });
  const capacity = new CapacityMonitor({ ctx, clock });
  const retention = new RetentionRunner({
    clock,
    timeline: history,
    target: {
      rename: (from, to) => withConfiguredShare(ctx, (share) => share.rename(from, to, NO_CANCEL)),
      deleteTree: (path) => withConfiguredShare(ctx, (share) => share.deleteTree(path, NO_CANCEL)),
    },
    listBackups: () => snapshot.current(),
    listLeftovers: () => snapshot.leftovers(),
    retentionDays: () => settings.service.stored().retentionDays,
    ownKeys: () => ownKeysOf(settings.service),
    onDeleting: (backupIds) => {
      snapshot.markDeleting(backupIds);
      events.publish({ type: 'backups-deleting', backupIds });
    },
    onDeleted: (outcome) => {
      snapshot.deleted(outcome.deleted);
      events.publish({ type: 'backups-deleted', backupIds: outcome.deleted, failed: outcome.failures.map((failure) => failure.target) });
    },
  });
  const notifications = new NotificationService({
    configDir: deps.configDir,
    clock,
    logger,
    secrets: settings.secrets,
    identity: { productName: PRODUCT_NAME, version: deps.version, station: hostname() },
    systemLog: deps.systemLog ?? (process.platform === 'win32' ? windowsEventLog() : syslog()),
  });
  const alerts = new AlertCenter({
    store: alertFileStore(deps.configDir, warnInvalid('alerts.json'), (error) =>
      logger.warn({ err: error }, 'alerts.json could not be locked; this update decided without waiting for other processes'),
    ),
    notifier: deps.notifier ?? lineNotifier((line) => logger.warn(line)),
    onChange: (active) => events.publish({ type: 'alerts-changed', alerts: active }),
    onTransitions: (raised, closed) => notifications.alertsChanged(raised, closed),
    onError: (error) => logger.warn({ err: error }, 'notification failed'),
  });
  const maintenance = new MaintenanceService({
    ctx,
    clock,
    snapshot,
    capacity,
    retention,
    alerts,
    scheduler,
    runLog,
    secretStorageWarning: settings.secretStorageWarning,
  });
  const core = { history, scheduler, snapshot, retention, maintenance };
  const stamp = new StampService({
    configDir: deps.configDir,
    now,
    logger,
    secrets: settings.secrets,
    publish: (event) => events.publish(event),
    ...deps.stamp,
  });
  // A console that stays up follows what other processes of the station write into the config folder
  // (watched once started): the settings (a one-shot `config set` beside `service`: the schedule, the
  // maintenance pass and the alerts react), the schedule and the history (below).
  let configFolderWatch: FilesWatch | null = null;
  // The runs another process records (a CLI backup beside it): the timeline, the last runs and the alerts follow.
  const followHistoryOnDisk = (): void =>
    void history.refresh().catch((error: unknown) => logger.warn({ err: error }, 'history changed on disk could not be read'));
  const followSettingsOnDisk = async (): Promise<void> => {
    try {
      await scheduler.follow(settings.service.stored());
      events.publish({ type: 'settings-changed', settings: settings.service.view() });
    } catch (error) {
      logger.warn({ err: error }, 'settings changed on disk could not be followed');
    }
  };
  // Likewise the schedule another process saves (a one-shot `schedule pause`, `resume`, `enable` or `disable`):
  // every scheduler operation starts from what is on disk, so asking for the view adopts it at once,
  // and the schedule-changed it publishes moves the alerts, the window, the tray and the service's log.
  const followScheduleOnDisk = async (): Promise<void> => {
    try {
      await scheduler.current();
    } catch (error) {
      logger.warn({ err: error }, 'the schedule changed on disk could not be followed');
    }
  };
  const stopTimers = (): void => {
    scheduler.stop();
    maintenance.stop();
    configFolderWatch?.close();
    configFolderWatch = null;
    runLog.close();
  };
  const automationSettled = async (): Promise<void> => {
    await backups.whenIdle();
    await scheduler.whenIdle();
    await runLog.whenIdle();
    await maintenance.whenIdle();
  };
  const settled = async (): Promise<void> => {
    await automationSettled();
    await notifications.whenIdle();
  };

  // A running console's maintenance keeps the alerts current; a one-shot command (the CLI) evaluates
  // them when asked, so `alerts` on a station no console runs on is true too.
  let automationStarted = false;
  const activeAlerts = async (): Promise<Alert[]> => (automationStarted ? alerts.list() : maintenance.refreshAlerts());

  const engine: Engine = {
    onEvent: (listener) => events.subscribe(listener),
    station: stationSources(ctx.sources),
    startAutomation: async () => {
      automationStarted = true;
      await scheduler.follow(settings.service.stored());
      await scheduler.start();
      // The first pass lists the share and reads its free space: a server that does not answer must not hold up
      // the console's start by those deadlines (its failures are logged by the maintenance queue; whenIdle waits for it).
      maintenance.start().catch(() => undefined);
      await notifications.start(() => alerts.list());
      configFolderWatch ??= watchFiles(
        deps.configDir,
        [
          { name: SETTINGS_FILE_NAME, onChange: () => void followSettingsOnDisk() },
          { name: SCHEDULE_FILE_NAME, onChange: () => void followScheduleOnDisk() },
          // The history only grows or is replaced: its size and identity tell a change without reading it.
          { name: HISTORY_FILE_NAME, onChange: followHistoryOnDisk, fingerprint: statOf },
        ],
        {
          onError: (error) =>
            logger.warn(
              { err: error },
              'the config folder can no longer be watched: what other processes change is followed later — the settings after a restart, the schedule within a minute (the scheduler reads it at every wake-up), their runs when the console next reads the history',
            ),
        },
      );
    },
    resumeFromSleep: async () => {
      await scheduler.onResume();
      await maintenance.onResume();
    },
    shutdown: async () => {
      stopTimers();
      await stamp.close();
      if (backups.isRunning()) await backups.cancel('shutdown').catch(() => undefined);
      // The job has ended (and released the share's lock); what maintenance still does with the share is
      // dropped, and the smbclient it waits on is ended: a server that does not answer must not hold up
      // a stop (systemd and Windows give a service about a minute and a half).
      maintenance.abandon();
      ctx.smbSessions.end();
      await settled();
      await ctx.smbSessions.close();
    },
    close: async () => {
      stopTimers();
      await stamp.close();
      await automationSettled();
      await ctx.smbSessions.close();
      // Coalesced changes and retries still waiting go out now, within a bounded wait; what does not is kept for the next start.
      await notifications.close();
      logger.flush();
    },
    whenIdle: settled,
    whenStampIdle: () => stamp.whenIdle(),

    getAppInfo: async () => ({
      productName: PRODUCT_NAME,
      version: deps.version,
      frontDoor: deps.frontDoor,
      configDir: deps.configDir,
      secretStorage: settings.secretStorage,
      localPathStyle: settings.service.localPaths,
      notices: [...settings.service.notices(), ...(settings.secretStorageWarning ? [settings.secretStorageWarning] : [])],
    }),
    getEssentials: async (): Promise<EssentialsView> => ({
      settings: settings.service.view(),
      schedule: await scheduler.current(),
      capacity: capacity.currentAndRefresh(),
      ...(await runLog.view()),
      activeJob: backups.activeJob(),
      alertCount: (await alerts.list()).length,
    }),

    ...settingsMethods(
      ctx,
      core,
      () => backups.isRunning(),
      async () => ({
        freeBytes: (await capacity.refresh()).freeBytes,
        lastBackupTime: (await runLog.view()).lastSuccessfulBackup?.finishedAt ?? null,
        nextBackupTime: (await scheduler.current()).nextBackupTime,
      }),
    ),
    ...keyMethods(now),
    ...shareMethods(ctx, capacity),
    ...sourceMethods(ctx),

    startBackup: async (input) => {
      const { pause } = await scheduler.current();
      if (pause && input?.force !== true) throw backupsPausedError(pause);
      return backups.start('on-demand');
    },
    cancelBackup: () => backups.cancel(),
    getActiveJob: async () => backups.activeJob(),
    listBackups: async () => {
      const stored = settings.service.stored();
      const onShare = snapshot.withDeletions(withExpiry(await snapshot.refresh(), stored.retentionDays, ownKeysOf(settings.service)));
      // Skipped backups stay listed as long as a backup would.
      const skipped = await runLog.skippedSince(new Date(clock.now().getTime() - stored.retentionDays * DAY_MS));
      const encryptionMode = stored.encryption.mode === 'legacy-key' ? 'legacy-key' : 'certificate';
      return backupListRows({ running: backups.runningBackup(), onShare, skipped, encryptionMode });
    },
    getBackup: ({ backupId }) => backups.detail(backupId),
    verifyBackup: async (input) => {
      const result = await backups.verify(input);
      // A .pfx that opened the backup confirms it (backup-manager.ts confirmPfx): the alert follows at once.
      if (input.key) await maintenance.refreshAlerts();
      return result;
    },
    restoreBackup: async (input) => {
      const result = await backups.restore(input);
      await maintenance.refreshAlerts();
      return result;
    },
    checkRecoveryKey: async (input) => {
      const check = await backups.checkRecoveryKey(input);
      // A confirmed .pfx closes the unconfirmed-recovery-key alert before the operator hears the result.
      await maintenance.refreshAlerts();
      return check;
    },
    cancelOperation: async ({ operationId }) => backups.cancelOperation(operationId),
    pruneExternalStore: (input) =>
      withConfiguredShare(ctx, (share) =>
        pruneExternalStore(
          {
            share,
            format: backupFormat,
            clock,
            cache: catalogCacheFor(ctx.configDir, settings.service.stored(), (reason) => logger.warn(reason)),
          },
          input,
        ),
      ),
    ...scheduleMethods(ctx, core),
    ...timelineMethods(core, runLog, activeAlerts),
    ...stampMethods(stamp),
    ...notifyMethods(notifications),
  };
  return engine;
}

/** Backup now during a maintenance pause needs the operator's confirmation (Azure Stack blocks it outright). */
function backupsPausedError(pause: { until: string; reason: string }): EngineError {
  return new EngineError({
    code: 'confirmation-required',
    message: `Backups are paused until ${pause.until}: ${pause.reason}`,
    remediation:
      'Take the backup anyway only if the maintenance allows it: confirm in the dialog, or run `infra-backup backup start --force`. Or resume backups first (`infra-backup schedule resume`).',
  });
}
