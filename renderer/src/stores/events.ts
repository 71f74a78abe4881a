import { useApi } from '../api';
import { useEssentialsStore } from './essentials';

/** Engine events refresh the stores that show what changed. */
export function connectEngineEvents(): () => void {
  const essentials = useEssentialsStore();
  return useApi().onEvent((event) => {
    switch (event.type) {
      case 'settings-changed':
      case 'schedule-changed':
      case 'job-finished':
      case 'alerts-changed':
        void essentials.refresh();
        break;
      case 'job-progress':
        if (essentials.essentials) essentials.essentials.activeJob = event.progress;
        break;
      default:
        break;
    }
  });
}
