import type {
  AppInfo,
  BackupConsoleApi,
  CapacityView,
  EssentialsView,
  ScheduleView,
  SettingsView,
} from '../../preload/api';
import { notAvailableYet } from './errors';
import { EventHub, type EventListener } from './app/events';
import { createLogger, type Logger } from './app/logger';
import { PRODUCT_NAME } from './app/config-dir';
import { keyMethods } from './methods/keys';

/** What the host (desktop, web host, CLI) gives the engine. Nothing here is Electron-specific. */
export interface EngineDeps {
  configDir: string;
  version: string;
  frontDoor: AppInfo['frontDoor'];
  logger?: Logger;
}

export interface Engine extends BackupConsoleApi {
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}

const DEFAULT_FREQUENCY_HOURS = 12;
const DEFAULT_RETENTION_DAYS = 7;

function unconfiguredSettings(): SettingsView {
  return {
    configured: false,
    location: '',
    locationKind: 'unset',
    username: '',
    passwordSet: false,
    smbPort: 445,
    frequencyHours: DEFAULT_FREQUENCY_HOURS,
    retentionDays: DEFAULT_RETENTION_DAYS,
    automaticBackups: true,
    encryption: { mode: 'none' },
  };
}

/**
 * The one implementation of the contract. Every front door is a thin adapter
 * over the object this returns.
 */
export function createEngine(deps: EngineDeps): Engine {
  const events = new EventHub();
  const logger = deps.logger ?? createLogger();
  const notices: string[] = [];

  const getSettings = async (): Promise<SettingsView> => unconfiguredSettings();
  const getSchedule = async (): Promise<ScheduleView> => {
    const settings = await getSettings();
    return {
      enabled: settings.automaticBackups,
      disabledSince: null,
      frequencyHours: settings.frequencyHours,
      anchor: null,
      nextBackupTime: null,
      lastBackupTime: null,
      upcoming: [],
    };
  };
  const getCapacity = async (): Promise<CapacityView> => ({ freeBytes: null, totalBytes: null, measuredAt: null });

  const engine: Engine = {
    onEvent: (listener) => events.subscribe(listener),
    close: async () => {
      logger.flush();
    },

    getAppInfo: async () => ({
      productName: PRODUCT_NAME,
      version: deps.version,
      frontDoor: deps.frontDoor,
      configDir: deps.configDir,
      secretStorage: 'No secrets are stored yet.',
      notices: [...notices],
    }),
    getEssentials: async (): Promise<EssentialsView> => ({
      settings: await getSettings(),
      schedule: await getSchedule(),
      capacity: await getCapacity(),
      lastBackup: null,
      activeJob: null,
      alertCount: 0,
    }),

    getSettings,
    saveSettings: async () => {
      throw notAvailableYet('Saving the backup configuration');
    },
    getCertificateHistory: async () => {
      throw notAvailableYet('Certificate history');
    },
    exportSettings: async () => {
      throw notAvailableYet('Exporting settings');
    },
    importSettings: async () => {
      throw notAvailableYet('Importing settings');
    },
    ...keyMethods(() => new Date()),
    testShare: async () => {
      throw notAvailableYet('Testing the share connection');
    },
    getCapacity,
    listSources: async () => {
      throw notAvailableYet('Backup sources');
    },
    addSource: async () => {
      throw notAvailableYet('Backup sources');
    },
    removeSource: async () => {
      throw notAvailableYet('Backup sources');
    },
    startBackup: async () => {
      throw notAvailableYet('Backup now');
    },
    cancelBackup: async () => {
      throw notAvailableYet('Cancelling a backup');
    },
    getActiveJob: async () => null,
    listBackups: async () => {
      throw notAvailableYet('Listing backups');
    },
    getBackup: async () => {
      throw notAvailableYet('Backup details');
    },
    verifyBackup: async () => {
      throw notAvailableYet('Verifying backups');
    },
    restoreBackup: async () => {
      throw notAvailableYet('Restoring backups');
    },
    checkRecoveryKey: async () => {
      throw notAvailableYet('Checking a recovery key');
    },
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
