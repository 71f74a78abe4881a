import type { BackupConsoleApi } from '../../../preload/api';
import type { EngineContext } from '../context';
import type { EngineCore } from '../engine-core';

type ScheduleMethods = Pick<BackupConsoleApi, 'getSchedule' | 'setAutomaticBackups' | 'previewFrequency' | 'previewRetention'>;

/** The schedule and what it keeps: automatic backups on/off, a frequency's next slots, a retention period's deletions. */
export function scheduleMethods(ctx: EngineContext, core: EngineCore): ScheduleMethods {
  return {
    getSchedule: () => core.scheduler.current(),
    setAutomaticBackups: async ({ enabled }) => {
      ctx.settings.service.save({ automaticBackups: enabled });
      const view = await core.scheduler.follow(ctx.settings.service.stored());
      // The maintenance service hears it and re-evaluates the alerts.
      ctx.events.publish({ type: 'settings-changed', settings: ctx.settings.service.view() });
      return view;
    },
    // The ranges are checked by the input schemas (dispatch) against the settings schema's rules.
    previewFrequency: async ({ frequencyHours }) => {
      await core.scheduler.current();
      return core.scheduler.previewFrequency(frequencyHours);
    },
    previewRetention: async ({ retentionDays }) => {
      // The operator decides from this list: it is read from the share now.
      await core.snapshot.refresh();
      return core.retention.preview(retentionDays);
    },
  };
}
