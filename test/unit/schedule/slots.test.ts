import { describe, expect, it } from 'vitest';
import {
  countSlotsBetween,
  nextSlot,
  previousSlot,
  reanchorForFrequency,
  slotsBetween,
  upcomingSlots,
} from '../../../main/engine/schedule/slots';

const d = (s: string): Date => new Date(s);
const iso = (x: Date | null): string | null => (x === null ? null : x.toISOString());

describe('slot arithmetic', () => {
  const anchor = d('2026-01-01T03:00:00.000Z');

  it('next = anchor + k×f, the smallest slot strictly after', () => {
    expect(iso(nextSlot(anchor, 12, d('2026-01-01T03:00:00.000Z')))).toBe('2026-01-01T15:00:00.000Z');
    expect(iso(nextSlot(anchor, 12, d('2026-01-01T14:59:59.999Z')))).toBe('2026-01-01T15:00:00.000Z');
    expect(iso(nextSlot(anchor, 12, d('2026-01-01T15:00:00.000Z')))).toBe('2026-01-02T03:00:00.000Z');
    expect(iso(nextSlot(anchor, 4, d('2026-01-05T10:00:00.000Z')))).toBe('2026-01-05T11:00:00.000Z');
    expect(iso(nextSlot(anchor, 12, d('2025-12-31T00:00:00.000Z')))).toBe('2026-01-01T03:00:00.000Z');
  });

  it('previous slot and slot ranges', () => {
    expect(iso(previousSlot(anchor, 12, d('2026-01-02T02:59:00.000Z')))).toBe('2026-01-01T15:00:00.000Z');
    expect(previousSlot(anchor, 12, d('2026-01-01T02:00:00.000Z'))).toBeNull();
    const range = slotsBetween(anchor, 6, d('2026-01-01T03:00:00.000Z'), d('2026-01-02T03:00:00.000Z')).map(iso);
    expect(range).toEqual(['2026-01-01T09:00:00.000Z', '2026-01-01T15:00:00.000Z', '2026-01-01T21:00:00.000Z', '2026-01-02T03:00:00.000Z']);
    expect(countSlotsBetween(anchor, 6, d('2026-01-01T03:00:00.000Z'), d('2026-01-02T03:00:00.000Z'))).toBe(4);
    expect(countSlotsBetween(anchor, 6, d('2026-01-01T03:00:00.000Z'), d('2026-01-01T08:59:59.000Z'))).toBe(0);
  });

  it('upcoming slots', () => {
    expect(upcomingSlots(anchor, 8, d('2026-01-01T04:00:00.000Z'), 3).map(iso)).toEqual([
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T19:00:00.000Z',
      '2026-01-02T03:00:00.000Z',
    ]);
  });

  it('frequency change re-anchors at the last boundary of the old schedule', () => {
    expect(iso(reanchorForFrequency(anchor, 12, d('2026-01-03T10:00:00.000Z')))).toBe('2026-01-03T03:00:00.000Z');
    expect(iso(reanchorForFrequency(anchor, 12, d('2026-01-01T05:00:00.000Z')))).toBe('2026-01-01T03:00:00.000Z');
  });

  it('rejects a non-positive frequency', () => {
    expect(() => nextSlot(anchor, 0, anchor)).toThrow(RangeError);
  });
});

describe('documented frequency-change examples (docs/SCHEDULING.md)', () => {
  it('12 h → 4 h at 22:00 with anchor 08:00 re-anchors at 20:00, next 00:00', () => {
    const anchor = new Date('2026-01-01T08:00:00.000Z');
    const now = new Date('2026-01-01T22:00:00.000Z');
    const reanchored = reanchorForFrequency(anchor, 12, now);
    expect(reanchored.toISOString()).toBe('2026-01-01T20:00:00.000Z');
    expect(nextSlot(reanchored, 4, now).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('4 h → 12 h at 11:00 with anchor 08:00 re-anchors at 08:00, next 20:00', () => {
    const anchor = new Date('2026-01-01T08:00:00.000Z');
    const now = new Date('2026-01-01T11:00:00.000Z');
    const reanchored = reanchorForFrequency(anchor, 4, now);
    expect(reanchored.toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(nextSlot(reanchored, 12, now).toISOString()).toBe('2026-01-01T20:00:00.000Z');
  });
});
