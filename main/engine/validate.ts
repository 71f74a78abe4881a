import type { z } from 'zod';
import { zodFieldErrors, type FieldError } from '../../common/settings-schema';
import { invalidInput } from './errors';

/** Throws invalid-input naming the first field at fault, in the schema's own words. */
export function throwFieldErrors(errors: readonly FieldError[]): void {
  const first = errors[0];
  if (first) throw invalidInput(first.field, first.message);
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throwFieldErrors(zodFieldErrors(result.error));
  return (result as { data: z.infer<S> }).data;
}
