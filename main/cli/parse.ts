import { invalidInput } from '../engine/errors';

/** Whole numbers only: "12", not "12.5", "1e1" or "12h". The message names the option. */
export function parseWholeNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw invalidInput(option, `--${option} must be a whole number (got "${value}").`);
  return Number(value.trim());
}

const RELATIVE_UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A point in time: an ISO 8601 date-time ("2026-12-01T06:00:00Z", a local
 * time without zone is the station's), or "+N" minutes/hours/days from now
 * ("+90m", "+4h", "+2d"). Returned as ISO UTC.
 */
export function parseTimeOption(option: string, value: string, now: Date): string {
  const relative = /^\+(\d+)([mhd])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() + Number(relative[1]) * (RELATIVE_UNITS_MS[relative[2] ?? 'h'] ?? 0)).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(at))
    throw invalidInput(option, `--${option} must be a date-time like 2026-12-01T06:00:00Z, or +90m, +4h, +2d (got "${value}").`);
  return new Date(at).toISOString();
}
