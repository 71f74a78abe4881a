import { describe, expect, it } from 'vitest';
import { mergeScheduleStates, sameScheduleState } from '../../../main/engine/schedule/schedule-merge';
import type { ScheduleState } from '../../../main/engine/schedule/schedule-state';

const base: ScheduleState = {
  anchor: '2026-06-01T08:00:00.000Z',
  frequencyHours: 12,
  enabled: true,
  disabledSince: null,
  nextBackupTime: '2026-06-01T20:00:00.000Z',
  lastSlotHandled: '2026-06-01T08:00:00.000Z',
  pause: null,
};
const afterSlot = { lastSlotHandled: '2026-06-01T20:00:00.000Z', nextBackupTime: '2026-06-02T08:00:00.000Z' };
const pause = { since: '2026-06-01T19:00:00.000Z', until: '2026-06-02T06:00:00.000Z', reason: 'update' };

describe('merging the schedule another process saved (three-way, part by part)', () => {
  it('keeps each side’s change when they changed different parts', () => {
    const merged = mergeScheduleStates(base, { ...base, ...afterSlot }, { ...base, pause, enabled: false, disabledSince: pause.since });
    expect(merged).toEqual({ ...base, ...afterSlot, pause, enabled: false, disabledSince: pause.since });
  });

  it('a part both changed is theirs, except the progress: the later handled slot wins, so no slot runs twice', () => {
    const ours = { ...base, ...afterSlot, pause: { ...pause, reason: 'ours' } };
    const theirs = { ...base, pause, lastSlotHandled: '2026-06-01T09:00:00.000Z' };
    expect(mergeScheduleStates(base, ours, theirs)).toEqual({ ...base, ...afterSlot, pause });
    const later = { ...base, lastSlotHandled: '2026-06-02T08:00:00.000Z', nextBackupTime: '2026-06-02T20:00:00.000Z' };
    expect(mergeScheduleStates(base, ours, later)).toEqual({ ...later, pause: ours.pause });
  });

  it('nothing saved before: the schedule another process started is taken whole', () => {
    const unconfigured = { ...base, anchor: null, nextBackupTime: null, lastSlotHandled: null };
    expect(mergeScheduleStates(null, unconfigured, base)).toEqual(base);
  });

  it('tells equal states apart from changed ones, pause included', () => {
    expect(sameScheduleState({ ...base, pause }, { ...base, pause: { ...pause } })).toBe(true);
    expect(sameScheduleState({ ...base, pause }, { ...base, pause: { ...pause, reason: 'other' } })).toBe(false);
    expect(sameScheduleState(base, null)).toBe(false);
    expect(sameScheduleState(null, null)).toBe(true);
  });
});
