import type { BackupConsoleApi } from '../../../preload/api';
import { checkFrequencyHours, checkRetentionDays } from '../../../common/settings-schema';
import type { Automation } from '../automation';
import type { EngineContext } from '../context';
import { invalidInput } from '../errors';

type ScheduleMethods = Pick<
  BackupConsoleApi,
  'previewRetention' | 'getSchedule' | 'setAutomaticBackups' | 'previewFrequency' | 'getTimeline'
>;

export function retentionMethods(ctx: EngineContext, automation: Automation): ScheduleMethods {
  return {
    previewRetention: async ({ retentionDays }) => {
      const problem = checkRetentionDays(retentionDays);
      if (problem) throw invalidInput('retentionDays', problem);
      return automation.preview(retentionDays);
    },
    getSchedule: () => automation.scheduler.current(),
    setAutomaticBackups: async ({ enabled }) => {
      ctx.settings.service.save({ automaticBackups: enabled });
      ctx.events.publish({ type: 'settings-changed', settings: ctx.settings.service.view() });
      const view = await automation.syncSchedule();
      await automation.updateAlerts();
      return view;
    },
    previewFrequency: async ({ frequencyHours }) => {
      const problem = checkFrequencyHours(frequencyHours);
      if (problem) throw invalidInput('frequencyHours', problem);
      await automation.scheduler.current();
      return automation.scheduler.previewFrequency(frequencyHours);
    },
    getTimeline: (query) => automation.timeline(query),
  };
}
