import type { ScheduleState } from '../../../main/engine/schedule/schedule-state';
import { memoryScheduleStore } from '../../../main/engine/schedule/schedule-state';
import type { ScheduledTrigger, SchedulerDeps } from '../../../main/engine/schedule/scheduler';
import { Scheduler } from '../../../main/engine/schedule/scheduler';
import type { NewTimelineEvent } from '../../../main/engine/history/timeline-sink';
import { FakeClock } from '../../support/fake-clock';

export const H = 3_600_000;

export interface Harness {
  clock: FakeClock;
  store: ReturnType<typeof memoryScheduleStore>;
  events: NewTimelineEvent[];
  runs: Array<{ trigger: ScheduledTrigger; at: string }>;
  scheduler: Scheduler;
  /** Simulates a job (e.g. on-demand) running outside the scheduler. */
  externalJobRunning: boolean;
  /** When set, scheduler-started runs stay running until this is resolved. */
  holdRuns: boolean;
  releaseRuns(): void;
  /** A new scheduler over the same clock and store: the console restarted. */
  restart(): Harness;
}

export function makeHarness(
  start: string,
  initial: ScheduleState | null = null,
  overrides: Partial<SchedulerDeps> = {},
  shared?: { clock: FakeClock; store: ReturnType<typeof memoryScheduleStore> },
): Harness {
  const clock = shared?.clock ?? new FakeClock(start);
  const store = shared?.store ?? memoryScheduleStore(initial);
  const pending: Array<() => void> = [];
  const h: Harness = {
    clock,
    store,
    events: [],
    runs: [],
    externalJobRunning: false,
    holdRuns: false,
    releaseRuns: () => pending.splice(0).forEach((resolve) => resolve()),
    scheduler: undefined as unknown as Scheduler,
    restart: () => {
      h.scheduler.stop();
      return makeHarness(start, null, overrides, { clock, store });
    },
  };
  h.scheduler = new Scheduler({
    clock,
    store,
    timeline: { append: (event) => void h.events.push(event) },
    runBackup: (trigger) => {
      h.runs.push({ trigger, at: clock.now().toISOString() });
      return h.holdRuns ? new Promise<void>((resolve) => pending.push(resolve)) : Promise.resolve();
    },
    isJobRunning: () => h.externalJobRunning,
    ...overrides,
  });
  return h;
}

export const kinds = (h: Harness, kind: NewTimelineEvent['kind']): NewTimelineEvent[] => h.events.filter((e) => e.kind === kind);
