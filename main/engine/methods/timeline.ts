import type { Alert, BackupConsoleApi } from '../../../preload/api';
import type { EngineCore } from '../engine-core';
import type { RunLog } from '../history/run-log';

type TimelineMethods = Pick<BackupConsoleApi, 'getTimeline' | 'getLastRuns' | 'listAlerts'>;

/** What happened and what needs the operator: the timeline of runs, skips and deletions, the last runs, and the active alerts. */
export function timelineMethods(core: EngineCore, runLog: RunLog, activeAlerts: () => Promise<Alert[]>): TimelineMethods {
  return {
    // After the run log has ended any run cut off by a crash, so none reads as running forever.
    getTimeline: async (query) => {
      await runLog.load();
      return core.history.query(query);
    },
    getLastRuns: () => runLog.view(),
    listAlerts: activeAlerts,
  };
}
