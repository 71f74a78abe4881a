import type { BackupConsoleApi } from '../../../preload/api';
import type { Automation } from '../automation';
import type { EngineContext } from '../context';

type ScheduleMethods = Pick<BackupConsoleApi, 'getSchedule' | 'setAutomaticBackups' | 'previewFrequency' | 'previewRetention'>;

/** The schedule and what it keeps: automatic backups on/off, a frequency's next slots, a retention period's deletions. */
export function scheduleMethods(ctx: EngineContext, automation: Automation): ScheduleMethods {
  return {
    getSchedule: () => automation.scheduler.current(),
    setAutomaticBackups: async ({ enabled }) => {
      ctx.settings.service.save({ automaticBackups: enabled });
      ctx.events.publish({ type: 'settings-changed', settings: ctx.settings.service.view() });
      const view = await automation.syncSchedule();
      await automation.updateAlerts();
      return view;
    },
    // The ranges are checked by the input schemas (dispatch) against the settings schema's rules.
    previewFrequency: async ({ frequencyHours }) => {
      await automation.scheduler.current();
      return automation.scheduler.previewFrequency(frequencyHours);
    },
    previewRetention: ({ retentionDays }) => automation.preview(retentionDays),
  };
}
