import { ApiCallError, useApi } from '../api';
import { useEssentialsStore } from './essentials';
import { useBackupsStore } from './backups';
import { useAlertsStore } from './alerts';

/** Engine events refresh the stores that show what changed. */
export function connectEngineEvents(): () => void {
  const essentials = useEssentialsStore();
  const backups = useBackupsStore();
  const alerts = useAlertsStore();
  return useApi().onEvent((event) => {
    switch (event.type) {
      case 'settings-changed':
      case 'schedule-changed':
        void essentials.refresh();
        break;
      case 'alerts-changed':
        alerts.alerts = event.alerts;
        void essentials.refresh();
        break;
      case 'job-progress':
        backups.onProgress(event.progress);
        if (essentials.essentials) essentials.essentials.activeJob = event.progress;
        break;
      case 'job-finished':
        backups.onFinished(event.backup, event.error ? new ApiCallError(event.error) : null);
        void essentials.refresh();
        break;
      case 'timeline-appended':
        // The timeline page subscribes to it itself while it is shown.
        break;
    }
  });
}
