import type { AppInfo, BackupConsoleApi, EssentialsView, ScheduleView } from '../../preload/api';
import { notAvailableYet } from './errors';
import { EventHub, type EventListener } from './app/events';
import { createLogger, type Logger } from './app/logger';
import { PRODUCT_NAME } from './app/config-dir';
import type { EngineContext } from './context';
import { keyMethods } from './methods/keys';
import { settingsMethods } from './methods/settings';
import { sourceMethods } from './methods/sources';
import { shareMethods } from './methods/share';
import { openSettings, type OpenSettingsBackend } from './settings';
import type { SafeStorageLike } from './secrets/safe-storage-secret-store';
import { SourceStore } from './sources/source-store';
import { systemClock, type Clock } from './clock';
import { BackupManager } from './backup/backup-manager';
import { backupFormat } from './backup/backup-format';
import type { BackupSummary } from '../../preload/api';

/** What the host (desktop, web host, CLI) gives the engine. Nothing here is Electron-specific. */
export interface EngineDeps {
  configDir: string;
  version: string;
  frontDoor: AppInfo['frontDoor'];
  logger?: Logger;
  /** Desktop: Electron's safeStorage. Headless: absent (0600 key file). */
  safeStorage?: SafeStorageLike;
  /** Desktop: electron-store over the same settings file format as headless conf. */
  openSettingsBackend?: OpenSettingsBackend;
  /** Injected time and timers, for tests. */
  clock?: Clock;
}

export interface Engine extends BackupConsoleApi {
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
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
    ...(deps.openSettingsBackend ? { openBackend: deps.openSettingsBackend } : {}),
  });
  const ctx: EngineContext = { configDir: deps.configDir, now, logger, events, settings, sources: new SourceStore(deps.configDir) };
  if (settings.secretStorageWarning) logger.warn(settings.secretStorageWarning);

  const share = shareMethods(ctx);
  let lastBackup: BackupSummary | null = null;
  const backups = new BackupManager({
    ctx,
    format: backupFormat,
    clock,
    onFinished: (job) => {
      if (job.summary.state !== 'Failed') lastBackup = job.summary;
    },
  });
  const getSchedule = async (): Promise<ScheduleView> => {
    const view = settings.service.view();
    return {
      enabled: view.automaticBackups,
      disabledSince: settings.service.stored().automaticBackupsDisabledSince,
      frequencyHours: view.frequencyHours,
      anchor: null,
      nextBackupTime: null,
      lastBackupTime: null,
      upcoming: [],
    };
  };

  const engine: Engine = {
    onEvent: (listener) => events.subscribe(listener),
    close: async () => {
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
      lastBackup,
      activeJob: backups.activeJob(),
      alertCount: 0,
    }),

    ...settingsMethods(ctx),
    ...keyMethods(now),
    testShare: share.testShare,
    getCapacity: share.getCapacity,
    ...sourceMethods(ctx),

    startBackup: () => backups.start('on-demand'),
    cancelBackup: () => backups.cancel(),
    getActiveJob: async () => backups.activeJob(),
    listBackups: () => backups.list(),
    getBackup: ({ backupId }) => backups.detail(backupId),
    verifyBackup: (input) => backups.verify(input),
    restoreBackup: (input) => backups.restore(input),
    checkRecoveryKey: (input) => backups.checkRecoveryKey(input),
    previewRetention: async () => {
      throw notAvailableYet('Retention preview');
    },
    getSchedule,
    setAutomaticBackups: async () => {
      throw notAvailableYet('Enabling or disabling automatic backups');
    },
    previewFrequency: async () => {
      throw notAvailableYet('Frequency preview');
    },
    getTimeline: async () => {
      throw notAvailableYet('The timeline');
    },
    listAlerts: async () => [],
  };
  return engine;
}
