import type { BackupConsoleApi } from '../../../preload/api';
import type { StampService } from './stamp-service';

export { StampService } from './stamp-service';
export type { StampTiming, RetryPolicy } from './arm-client';

type StampMethods = Pick<BackupConsoleApi, Extract<keyof BackupConsoleApi, `stamp${string}`>>;

/** The contract's stamp methods over the one StampService. */
export function stampMethods(stamp: StampService): StampMethods {
  return {
    stampGetConnection: () => stamp.getConnection(),
    stampConnect: (input) => stamp.connect(input),
    stampDisconnect: () => stamp.disconnect(),
    stampGetEssentials: () => stamp.essentials(),
    stampSaveSettings: (input) => stamp.saveSettings(input),
    stampSetScheduler: ({ isBackupSchedulerEnabled }) => stamp.setScheduler(isBackupSchedulerEnabled),
    stampStartBackup: () => stamp.startBackup(),
    stampListOperations: () => stamp.listOperations(),
    stampListBackups: () => stamp.listBackups(),
    stampPrune: (input) => stamp.prune(input),
  };
}
