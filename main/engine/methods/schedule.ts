import type { BackupConsoleApi } from '../../../preload/api';
import { checkFrequencyHours, checkRetentionDays } from '../../../common/settings-schema';
import type { EngineContext } from '../context';
import type { EngineCore } from '../engine-core';
import { invalidInput } from '../errors';

type ScheduleMethods = Pick<
  BackupConsoleApi,
  'getSchedule' | 'setAutomaticBackups' | 'previewFrequency' | 'previewRetention' | 'getTimeline'
>;

/** The schedule, what retention would delete, and the timeline: what happens over time. */
export function scheduleMethods(ctx: EngineContext, core: EngineCore): ScheduleMethods {
  return {
    getSchedule: () => core.scheduler.current(),
    setAutomaticBackups: async ({ enabled }) => {
      ctx.settings.service.save({ automaticBackups: enabled });
      const view = await core.scheduler.follow(ctx.settings.service.stored());
      ctx.events.publish({ type: 'settings-changed', settings: ctx.settings.service.view() });
      return view;
    },
    previewFrequency: async ({ frequencyHours }) => {
      const problem = checkFrequencyHours(frequencyHours);
      if (problem) throw invalidInput('frequencyHours', problem);
      await core.scheduler.current();
      return core.scheduler.previewFrequency(frequencyHours);
    },
    previewRetention: async ({ retentionDays }) => {
      const problem = checkRetentionDays(retentionDays);
      if (problem) throw invalidInput('retentionDays', problem);
      // The operator decides from this list: it is read from the share now.
      await core.snapshot.refresh();
      return core.retention.preview(retentionDays);
    },
    getTimeline: (query) => core.history.query(query),
  };
}
