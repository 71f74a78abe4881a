/**
 * Times as an operator reads them: local, with the time zone named, and
 * relative ("2 hours ago") where a glance is enough. Presentation only.
 */
import { durationWords } from '../../../common/duration-words';

const ABSOLUTE = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});
const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

const UNITS: Array<{ unit: Intl.RelativeTimeFormatUnit; seconds: number }> = [
  { unit: 'day', seconds: 86_400 },
  { unit: 'hour', seconds: 3_600 },
  { unit: 'minute', seconds: 60 },
];

/** "Nov 29, 2026, 11:41 AM UTC"; an em dash for no time. */
export function absoluteTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : ABSOLUTE.format(date);
}

/** "5 minutes ago", "in 6 days", "now". */
export function relativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '—';
  const seconds = (at - now.getTime()) / 1000;
  for (const { unit, seconds: size } of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return RELATIVE.format(0, 'second');
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})\b/g;

/** Engine texts carry ISO instants; the operator reads local times with the zone. */
export function localizeTimes(text: string): string {
  return text.replace(ISO_INSTANT, (instant) => absoluteTime(instant));
}

/** "45 s", "3 min", "1 h 5 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  return durationWords(seconds);
}

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO 8601 duration as the stamp's API gives it ("PT20M48.59S") in words ("21 min"); the text itself when it is not one. */
export function formatIsoDuration(text: string | null | undefined): string {
  if (!text) return '—';
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return text;
  const [, days, hours, minutes, seconds] = match;
  return formatDuration(Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0));
}
