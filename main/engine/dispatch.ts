import type { ApiInput, ApiMethod, ApiOutput, ApiResult, BackupConsoleApi } from '../../preload/api';
import { API_METHODS } from '../../preload/api';
import { checkMethodInput } from '../../common/contract-schemas';
import { invalidInput, toEngineError } from './errors';
import type { Logger } from './app/logger';

export function isApiMethod(name: string): name is ApiMethod {
  return (API_METHODS as readonly string[]).includes(name);
}

/**
 * The common path of every front door: validate the input's shape with the
 * shared schema, call the engine, and turn any failure into a typed ApiError.
 * The technical cause is logged (scrubbed) and never returned.
 */
export async function dispatch<M extends ApiMethod>(
  api: BackupConsoleApi,
  method: M,
  input: unknown,
  logger?: Logger,
): Promise<ApiResult<ApiOutput<M>>> {
  try {
    const issue = checkMethodInput(method, input);
    if (issue) throw invalidInput(issue.field, `Invalid request: ${issue.message}.`);
    const fn = api[method] as (arg: ApiInput<M>) => Promise<ApiOutput<M>>;
    const value = await fn.call(api, input as ApiInput<M>);
    return { ok: true, value };
  } catch (error) {
    const engineError = toEngineError(error);
    logger?.warn({ method, code: engineError.code, cause: engineError.technicalCause }, engineError.message);
    return { ok: false, error: engineError.toApiError() };
  }
}
