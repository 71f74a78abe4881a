import { ApiCallError, useApi } from '../api';
import { useEssentialsStore } from './essentials';
import { useBackupsStore } from './backups';
import { useAlertsStore } from './alerts';
import { useAppStore } from './app';

/** Engine events refresh the stores that show what changed. */
export function connectEngineEvents(): () => void {
  const essentials = useEssentialsStore();
  const backups = useBackupsStore();
  const alerts = useAlertsStore();
  const app = useAppStore();
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
      case 'engine-restarted': {
        // Everything shown may be stale: read it again from the new engine.
        const notice = new ApiCallError(event.notice);
        app.engineNotice = notice;
        if (event.interruptedBackupId !== null) backups.onFinished(null, notice);
        else void backups.refresh();
        void essentials.refresh();
        void alerts.refresh();
        break;
      }
      case 'timeline-appended':
        // The timeline page subscribes to it itself while it is shown.
        break;
      case 'stamp-sign-in':
      case 'stamp-operation':
        // The stamp target's store follows these itself while a stamp is shown.
        break;
    }
  });
}
