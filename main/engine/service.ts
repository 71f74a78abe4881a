import type { AppInfo, BackupConsoleApi, EssentialsView, ScheduleView } from '../../preload/api';
import { EventHub, type EventListener } from './app/events';
import { createLogger, type Logger } from './app/logger';
import { PRODUCT_NAME } from './app/config-dir';
import type { EngineContext } from './context';
import { keyMethods } from './methods/keys';
import { settingsMethods } from './methods/settings';
import { sourceMethods } from './methods/sources';
import { shareMethods } from './methods/share';
import { openSettings } from './settings';
import type { SafeStorageLike } from './secrets/safe-storage-secret-store';
import { SourceStore } from './sources/source-store';
import { stationSources, type StationSources } from './sources/station-sources';
import { systemClock, type Clock } from './clock';
import { BackupManager } from './backup/backup-manager';
import { backupFormat } from './backup/backup-format';
import type { BackupSummary } from '../../preload/api';
import { Automation } from './automation';
import { lineNotifier, type Notifier } from './alerts';
import { scheduleMethods } from './methods/schedule';
import { timelineMethods } from './methods/timeline';
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
  /** A stamp's retries and polls: how they wait (tests record the waits), and how often they retry. */
  stamp?: { timing?: StampTiming; retry?: RetryPolicy; env?: NodeJS.ProcessEnv };
}

export interface Engine extends BackupConsoleApi {
  onEvent(listener: EventListener): () => void;
  /** Outside the contract: only the CLI on the station reaches these (command sources). */
  station: StationSources;
  /** Hosts that stay up (desktop, web host, service) run the scheduler; one-shot CLI commands do not. */
  startAutomation(): Promise<void>;
  /** The machine woke up (Electron powerMonitor 'resume'): a missed slot runs once, as a catch-up. */
  resumeFromSleep(): Promise<void>;
  /** Stops the scheduler and cancels a running job (it leaves only a .partial for the next run to clean). */
  shutdown(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when every stamp operation this engine follows (a backup it started) has ended. */
  whenStampIdle(): Promise<void>;
}

/**
 * The one implementation of the contract, composed of method groups that
 * share an EngineContext. Every front door is a thin adapter over the object
 * this returns.
 */
export function createEngine(deps: EngineDeps): Engine {
  const events = new EventHub();
  const logger = deps.logger ?? createLogger();
  const clock = deps.clock ?? systemClock;
  const now = (): Date => clock.now();
  const settings = openSettings({
    configDir: deps.configDir,
    now,
    ...(deps.safeStorage ? { safeStorage: deps.safeStorage } : {}),
  });
  const ctx: EngineContext = { configDir: deps.configDir, now, logger, events, settings, sources: new SourceStore(deps.configDir) };
  if (settings.secretStorageWarning) logger.warn(settings.secretStorageWarning);

  const share = shareMethods(ctx);
  let lastBackup: BackupSummary | null = null;
  const automation: Automation = new Automation({
    ctx,
    clock,
    backups: () => backups,
    notifier: deps.notifier ?? lineNotifier((line) => logger.warn(line)),
    freeBytes: () => share.lastCapacity().freeBytes,
    secretStorageWarning: settings.secretStorageWarning,
  });
  const backups: BackupManager = new BackupManager({
    ctx,
    format: backupFormat,
    clock,
    onStarted: (job) => void automation.recordStarted(job).catch((error: unknown) => logger.warn({ err: error }, 'timeline append failed')),
    onFinished: async (job) => {
      if (job.summary.state !== 'Failed') lastBackup = job.summary;
      await automation.recordFinished(job);
    },
  });
  const getSchedule = async (): Promise<ScheduleView> => automation.scheduler.current();
  const stamp = new StampService({
    configDir: deps.configDir,
    now,
    logger,
    secrets: settings.secrets,
    publish: (event) => events.publish(event),
    ...deps.stamp,
  });

  const engine: Engine = {
    onEvent: (listener) => events.subscribe(listener),
    station: stationSources(ctx.sources),
    startAutomation: () => automation.start(),
    resumeFromSleep: () => automation.scheduler.onResume(),
    whenStampIdle: () => stamp.whenIdle(),
    shutdown: async () => {
      automation.stop();
      await stamp.close();
      if (backups.isRunning()) await backups.cancel().catch(() => undefined);
      await backups.whenIdle();
    },
    close: async () => {
      automation.stop();
      await stamp.close();
      await backups.whenIdle();
      logger.flush();
    },

    getAppInfo: async () => ({
      productName: PRODUCT_NAME,
      version: deps.version,
      frontDoor: deps.frontDoor,
      configDir: deps.configDir,
      secretStorage: settings.secretStorage,
      notices: [...settings.service.notices(), ...(settings.secretStorageWarning ? [settings.secretStorageWarning] : [])],
    }),
    getEssentials: async (): Promise<EssentialsView> => ({
      settings: settings.service.view(),
      schedule: await getSchedule(),
      capacity: await share.getCapacity(),
      lastBackup: lastBackup ?? automation.newestListed(),
      activeJob: backups.activeJob(),
      alertCount: (await automation.alerts.list()).length,
    }),

    ...settingsMethods(ctx, automation),
    ...keyMethods(now),
    testShare: share.testShare,
    getCapacity: share.getCapacity,
    ...sourceMethods(ctx),

    startBackup: () => backups.start('on-demand'),
    cancelBackup: () => backups.cancel(),
    getActiveJob: async () => backups.activeJob(),
    listBackups: async () => automation.withExpiry(await backups.list()),
    getBackup: ({ backupId }) => backups.detail(backupId),
    verifyBackup: (input) => backups.verify(input),
    restoreBackup: (input) => backups.restore(input),
    checkRecoveryKey: (input) => backups.checkRecoveryKey(input),
    ...scheduleMethods(ctx, automation),
    ...timelineMethods(automation),
    ...stampMethods(stamp),
  };
  return engine;
}
