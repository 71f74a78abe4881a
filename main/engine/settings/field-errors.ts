import type { FieldError } from '../../../common/settings-schema';
import { invalidInput, type EngineError } from '../errors';

/** The first field error as EngineError 'invalid-input' (the form shows all of them as you type). */
export function fieldError(errors: FieldError[]): EngineError {
  const first = errors[0] ?? { field: 'input', message: 'The settings are not valid.' };
  const others = errors.length > 1 ? ` (${errors.length - 1} more field${errors.length > 2 ? 's' : ''} to correct)` : '';
  return invalidInput(first.field, `${first.message}${others}`);
}
