import type { ApiError, ErrorCode, ShareFailureCategory } from '../../preload/api';
import { scrubSecrets } from './redact';

export interface EngineErrorInit {
  code: ErrorCode;
  /** What went wrong, in words the operator understands. */
  message: string;
  /** What the operator can do about it. */
  remediation: string;
  /** The settings or input field at fault, for invalid input. */
  field?: string;
  /** For share errors: which of the five operator alerts this is. */
  category?: ShareFailureCategory;
  /** The technical cause, kept for logs only (scrubbed before it is stored). */
  cause?: unknown;
}

/**
 * The one error type the engine throws across its boundary. Every adapter
 * (IPC, web host, CLI) turns it into an ApiError; the technical cause never
 * leaves main except through the (scrubbed) log.
 */
export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly remediation: string;
  readonly field: string | undefined;
  readonly category: ShareFailureCategory | undefined;
  readonly technicalCause: string | undefined;

  constructor(init: EngineErrorInit) {
    super(init.message);
    this.name = 'EngineError';
    this.code = init.code;
    this.remediation = init.remediation;
    this.field = init.field;
    this.category = init.category;
    this.technicalCause = init.cause === undefined ? undefined : scrubSecrets(describeCause(init.cause));
  }

  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message, remediation: this.remediation };
    if (this.field !== undefined) error.field = this.field;
    if (this.category !== undefined) error.category = this.category;
    return error;
  }
}

export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? `${cause.name}: ${cause.message}`;
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause);
  } catch {
    return String(cause);
  }
}

export function invalidInput(field: string, message: string, remediation = 'Correct the value and try again.'): EngineError {
  return new EngineError({ code: 'invalid-input', field, message, remediation });
}

/** Anything unexpected becomes an internal error whose cause goes to the log only. */
export function toEngineError(error: unknown): EngineError {
  if (isEngineError(error)) return error;
  return new EngineError({
    code: 'internal',
    message: 'The console hit an unexpected error.',
    remediation: 'Try again. If it persists, send the log file to support.',
    cause: error,
  });
}
