/**
 * A run's duration in words, for the window and the timeline's summaries:
 * "less than 1 s" (a small backup takes a fraction of a second: "0 s" read
 * as if it took no time at all), "42 s", "5 min" — or "5 min 3 s" where the
 * seconds matter (`withSeconds`) — and "2 h 5 min".
 */
export function durationWords(seconds: number, withSeconds = false): string {
  const s = Math.max(0, Math.round(seconds));
  if (s === 0) return 'less than 1 s';
  if (s < 60) return `${s} s`;
  const m = withSeconds ? Math.floor(s / 60) : Math.round(s / 60);
  if (m < 60) return withSeconds ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
