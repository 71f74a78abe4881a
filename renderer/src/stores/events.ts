import { ApiCallError, useApi } from '../api';
import { useAlertsStore } from './alerts';
import { useAppStore } from './app';
import { useBackupsStore } from './backups';
import { useEssentialsStore } from './essentials';
import { useRecoveryStore } from './recovery';
import { useSettingsStore } from './settings';
import { useTimelineStore } from './timeline';

/** Engine events update the stores that show what changed. */
export function connectEngineEvents(): () => void {
  const essentials = useEssentialsStore();
  const backups = useBackupsStore();
  const alerts = useAlertsStore();
  const settings = useSettingsStore();
  const timeline = useTimelineStore();
  const recovery = useRecoveryStore();
  const app = useAppStore();
  const refreshTimeline = (): void => {
    if (timeline.loaded) void timeline.refresh();
  };
  return useApi().onEvent((event) => {
    switch (event.type) {
      case 'settings-changed':
        settings.onSavedElsewhere(event.settings);
        void essentials.refresh();
        void backups.refresh();
        break;
      case 'schedule-changed':
        void essentials.refresh();
        refreshTimeline();
        break;
      case 'alerts-changed':
        alerts.onChanged(event.alerts);
        void essentials.refresh();
        break;
      case 'capacity-changed':
        essentials.onCapacity(event.capacity);
        break;
      case 'job-started':
        backups.onProgress(event.progress);
        // The list shows the running backup as a row.
        void backups.refresh();
        break;
      case 'job-progress':
        backups.onProgress(event.progress);
        break;
      case 'operation-progress':
        recovery.onOperationProgress(event.progress);
        break;
      case 'job-finished':
        backups.onFinished(event.backup, event.error ? new ApiCallError(event.error) : null);
        void essentials.refresh();
        refreshTimeline();
        break;
      case 'timeline-appended':
        refreshTimeline();
        // Another process on the station ran a backup: no job event tells this window, the run itself does.
        if (event.recordedElsewhere && event.event.kind === 'run-finished') {
          void essentials.refresh();
          void backups.refresh();
        }
        break;
      case 'backups-deleting':
        backups.onDeleting(event.backupIds);
        break;
      case 'backups-deleted':
        void backups.onDeleted(event.backupIds, event.failed);
        refreshTimeline();
        break;
      case 'engine-restarted': {
        // Everything shown may be stale: read it again from the new engine.
        const notice = new ApiCallError(event.notice);
        app.engineNotice = notice;
        if (event.interruptedBackupId !== null) backups.onFinished(null, notice);
        else void backups.refresh();
        void essentials.refresh();
        void alerts.refresh();
        refreshTimeline();
        break;
      }
      case 'stamp-sign-in':
      case 'stamp-operation':
        // The stamp target's store follows these itself while a stamp is shown.
        break;
    }
  });
}
