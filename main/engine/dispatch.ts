import type { ApiMethod, ApiOutput, ApiResult, BackupConsoleApi } from '../../preload/api';
import { API_METHODS } from '../../preload/api';
import { parseMethodInput } from '../../common/contract/methods';
import { invalidInput, toEngineError } from './errors';
import type { Logger } from './app/logger';

export function isApiMethod(name: string): name is ApiMethod {
  return (API_METHODS as readonly string[]).includes(name);
}

/**
 * The common path of every front door: run the input through the method's
 * schema, call the engine with the parsed value, and turn any failure into a
 * typed ApiError. The technical cause is logged (scrubbed) and never returned.
 */
export async function dispatch<M extends ApiMethod>(
  api: BackupConsoleApi,
  method: M,
  input: unknown,
  logger?: Logger,
): Promise<ApiResult<ApiOutput<M>>> {
  try {
    const checked = parseMethodInput(method, input);
    if (!checked.ok) throw invalidInput(checked.field, checked.message);
    // The schema table and BackupConsoleApi are one source; TypeScript cannot follow M through both.
    const fn = api[method] as (arg: unknown) => Promise<ApiOutput<M>>;
    const value = await fn.call(api, checked.value);
    return { ok: true, value };
  } catch (error) {
    const engineError = toEngineError(error);
    logger?.warn({ method, code: engineError.code, cause: engineError.technicalCause }, engineError.message);
    return { ok: false, error: engineError.toApiError() };
  }
}
