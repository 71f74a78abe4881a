import { invalidInput } from '../engine/errors';

/** Whole numbers only: "12", not "12.5", "1e1" or "12h". The message names the option. */
export function parseWholeNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw invalidInput(option, `--${option} must be a whole number (got "${value}").`);
  return Number(value.trim());
}
