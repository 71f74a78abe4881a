import { HOUR_MS } from '../clock';

/**
 * Pure slot arithmetic. The schedule is the arithmetic sequence
 * anchor + k × frequency (k ≥ 0); nothing else ever decides when a scheduled
 * backup runs, which is why on-demand backups cannot move it.
 */

function periodMs(frequencyHours: number): number {
  if (!Number.isFinite(frequencyHours) || frequencyHours <= 0)
    throw new RangeError(`frequencyHours must be positive, got ${frequencyHours}`);
  return frequencyHours * HOUR_MS;
}

/** The smallest slot anchor + k×f (k ≥ 0) strictly after `after`. */
export function nextSlot(anchor: Date, frequencyHours: number, after: Date): Date {
  const period = periodMs(frequencyHours);
  const elapsed = after.getTime() - anchor.getTime();
  if (elapsed < 0) return new Date(anchor.getTime());
  const k = Math.floor(elapsed / period) + 1;
  return new Date(anchor.getTime() + k * period);
}

/** The largest slot anchor + k×f (k ≥ 0) at or before `atOrBefore`; null if the anchor is still ahead. */
export function previousSlot(anchor: Date, frequencyHours: number, atOrBefore: Date): Date | null {
  const period = periodMs(frequencyHours);
  const elapsed = atOrBefore.getTime() - anchor.getTime();
  if (elapsed < 0) return null;
  return new Date(anchor.getTime() + Math.floor(elapsed / period) * period);
}

/** The next `count` slots strictly after `after`. */
export function upcomingSlots(anchor: Date, frequencyHours: number, after: Date, count: number): Date[] {
  const period = periodMs(frequencyHours);
  const first = nextSlot(anchor, frequencyHours, after);
  return Array.from({ length: Math.max(0, count) }, (_, i) => new Date(first.getTime() + i * period));
}

/** Slots s with from < s ≤ to (both exclusive/inclusive as written), oldest first, at most `limit`. */
export function slotsBetween(anchor: Date, frequencyHours: number, from: Date, to: Date, limit = Number.POSITIVE_INFINITY): Date[] {
  const period = periodMs(frequencyHours);
  const out: Date[] = [];
  for (let s = nextSlot(anchor, frequencyHours, from).getTime(); s <= to.getTime() && out.length < limit; s += period)
    out.push(new Date(s));
  return out;
}

/** How many slots s with from < s ≤ to, without enumerating them. */
export function countSlotsBetween(anchor: Date, frequencyHours: number, from: Date, to: Date): number {
  const period = periodMs(frequencyHours);
  const first = nextSlot(anchor, frequencyHours, from).getTime();
  if (first > to.getTime()) return 0;
  return Math.floor((to.getTime() - first) / period) + 1;
}

/**
 * Frequency change rule (docs/SCHEDULING.md): the new schedule is re-anchored
 * at the last slot boundary of the old schedule that is ≤ now (or the old
 * anchor if no slot has passed yet), and keeps that phase with the new
 * frequency. The next backup is the first new slot strictly after now, so a
 * change never triggers an immediate run and never creates a "missed" slot.
 */
export function reanchorForFrequency(anchor: Date, oldFrequencyHours: number, now: Date): Date {
  return previousSlot(anchor, oldFrequencyHours, now) ?? new Date(anchor.getTime());
}
