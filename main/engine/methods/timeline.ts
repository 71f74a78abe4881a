import type { BackupConsoleApi } from '../../../preload/api';
import type { Automation } from '../automation';

type TimelineMethods = Pick<BackupConsoleApi, 'getTimeline' | 'listAlerts'>;

/** What happened and what needs the operator: the timeline of runs, skips and deletions, and the active alerts. */
export function timelineMethods(automation: Automation): TimelineMethods {
  return {
    getTimeline: (query) => automation.timeline(query),
    listAlerts: () => automation.alerts.list(),
  };
}
