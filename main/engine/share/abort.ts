/**
 * Cancellation of share operations. Every FileShare method takes an
 * AbortSignal; once it is aborted the operation stops what it holds (a
 * spawned smbclient is killed) and rejects with a `cancelled` EngineError —
 * or with the signal's reason when that is already an EngineError, so a
 * caller may cancel with its own typed reason.
 */
import { EngineError, isEngineError } from '../errors';

/** For callers with nothing to cancel them (restic's context.Background()): the drivers' deadlines still apply. */
export const NO_CANCEL: AbortSignal = new AbortController().signal;

export function cancelledError(): EngineError {
  return new EngineError({
    code: 'cancelled',
    message: 'The share operation was cancelled.',
    remediation: 'Start it again when ready.',
  });
}

/** The error an aborted operation rejects with. */
export function abortError(signal: AbortSignal): EngineError {
  const reason: unknown = signal.reason;
  return isEngineError(reason) ? reason : cancelledError();
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects when `signal` aborts; never resolves. For racing against work that cannot itself be interrupted. */
export function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => dispose() };
}
