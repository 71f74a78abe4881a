import { FREQUENCY_HOURS } from '../../../common/settings-schema';

/** What the scheduler persists (in the config dir, through an injected store). */
export interface ScheduleState {
  /** ISO time of slot 0; null until backup is first configured. */
  anchor: string | null;
  frequencyHours: number;
  enabled: boolean;
  disabledSince: string | null;
  /** The next slot of the schedule (kept while disabled, so enabling resumes the same schedule). */
  nextBackupTime: string | null;
  /** The latest slot already run, skipped or caught up; slots after it and ≤ now are due. */
  lastSlotHandled: string | null;
  /** A maintenance pause (schedule pause): slots until `until` are skipped with the reason; it ends by itself. */
  pause: MaintenancePause | null;
}

export interface MaintenancePause {
  since: string;
  until: string;
  reason: string;
}

export interface ScheduleStore {
  load(): Promise<ScheduleState | null> | ScheduleState | null;
  save(state: ScheduleState): Promise<void> | void;
}

export function unconfiguredState(frequencyHours: number = FREQUENCY_HOURS.default): ScheduleState {
  return { anchor: null, frequencyHours, enabled: true, disabledSince: null, nextBackupTime: null, lastSlotHandled: null, pause: null };
}

/** A store in memory, for tests and for a console that has no config dir. */
export function memoryScheduleStore(initial: ScheduleState | null = null): ScheduleStore & { current: ScheduleState | null } {
  const store = {
    current: initial ? { ...initial } : null,
    load: () => (store.current ? { ...store.current } : null),
    save: (state: ScheduleState) => {
      store.current = { ...state };
    },
  };
  return store;
}

const isIsoOrNull = (v: unknown): v is string | null => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));

/** Validates a ScheduleState read from disk; null when it is not one. */
export function parseScheduleState(value: unknown): ScheduleState | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.frequencyHours !== 'number' || !(v.frequencyHours > 0) || typeof v.enabled !== 'boolean') return null;
  if (!isIsoOrNull(v.anchor) || !isIsoOrNull(v.disabledSince) || !isIsoOrNull(v.nextBackupTime) || !isIsoOrNull(v.lastSlotHandled))
    return null;
  return {
    anchor: v.anchor,
    frequencyHours: v.frequencyHours,
    enabled: v.enabled,
    disabledSince: v.disabledSince,
    nextBackupTime: v.nextBackupTime,
    lastSlotHandled: v.lastSlotHandled,
    // Files written before pauses existed have none.
    pause: parsePause(v.pause),
  };
}

function parsePause(value: unknown): MaintenancePause | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!isIsoOrNull(v.since) || !isIsoOrNull(v.until) || v.since === null || v.until === null || typeof v.reason !== 'string') return null;
  return { since: v.since, until: v.until, reason: v.reason };
}
