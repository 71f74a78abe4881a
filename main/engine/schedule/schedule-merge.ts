import type { MaintenancePause, ScheduleState } from './schedule-state';
import { unconfiguredState } from './schedule-state';

/**
 * The parts of the schedule state that change together: the schedule itself
 * (an anchor belongs to its frequency), the automatic-backups switch, the
 * maintenance pause, and the progress through the slots.
 */
const PARTS = {
  schedule: ['anchor', 'frequencyHours'],
  switch: ['enabled', 'disabledSince'],
  pause: ['pause'],
  progress: ['lastSlotHandled', 'nextBackupTime'],
} as const satisfies Record<string, ReadonlyArray<keyof ScheduleState>>;

type Part = keyof typeof PARTS;

function samePause(a: MaintenancePause | null, b: MaintenancePause | null): boolean {
  return a === b || (a !== null && b !== null && a.since === b.since && a.until === b.until && a.reason === b.reason);
}

function samePart(part: Part, a: ScheduleState, b: ScheduleState): boolean {
  return PARTS[part].every((key) => (key === 'pause' ? samePause(a.pause, b.pause) : a[key] === b[key]));
}

/** Whether two schedule states say the same thing (null: nothing saved). */
export function sameScheduleState(a: ScheduleState | null, b: ScheduleState | null): boolean {
  if (a === null || b === null) return a === b;
  return (Object.keys(PARTS) as Part[]).every((part) => samePart(part, a, b));
}

/**
 * Another process saved `theirs` over the state this one last read or wrote
 * (`base`, null when there was none) while this one holds `ours`: a
 * three-way merge, part by part. A part only one side changed takes that
 * side's value, so neither side's change is lost. A part both changed takes
 * theirs — what another process saved (an operator's `schedule pause` or
 * `disable`) is never overwritten by this one's older copy — except the
 * progress, which takes the later handled slot: a slot either side handled
 * is never handled (run) again.
 */
export function mergeScheduleStates(base: ScheduleState | null, ours: ScheduleState, theirs: ScheduleState): ScheduleState {
  const before = base ?? unconfiguredState(ours.frequencyHours);
  const merged: ScheduleState = { ...theirs };
  for (const part of Object.keys(PARTS) as Part[]) {
    const oursChanged = !samePart(part, ours, before);
    const theirsChanged = !samePart(part, theirs, before);
    const takeOurs = oursChanged && (!theirsChanged || (part === 'progress' && handledMs(ours) > handledMs(theirs)));
    if (takeOurs) Object.assign(merged, pick(ours, part));
  }
  return merged;
}

function handledMs(state: ScheduleState): number {
  return state.lastSlotHandled === null ? Number.NEGATIVE_INFINITY : Date.parse(state.lastSlotHandled);
}

function pick(state: ScheduleState, part: Part): Partial<ScheduleState> {
  return Object.fromEntries(PARTS[part].map((key) => [key, state[key]])) as Partial<ScheduleState>;
}
