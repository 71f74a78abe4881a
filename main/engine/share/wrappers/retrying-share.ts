/**
 * Retries share calls that failed with a connectivity failure — the only
 * transient kind — with exponential backoff and jitter, as restic's retry
 * backend does. Every other kind is permanent and surfaces at once:
 * capacity, authentication, path, not-found and general. writeStream is
 * never retried (its source cannot be replayed); readStream is, because it
 * settles before any byte is handed out.
 */
import { sleep } from '../abort';
import { shareFailureKind } from '../share-errors';
import { ShareWrapper, type ShareCall } from './share-wrapper';
import type { FileShare } from '../file-share';

export interface RetryPolicy {
  /** Extra attempts after a connectivity failure. */
  retries: number;
  /** First backoff delay; doubles per attempt (±25 % jitter). */
  baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 300 };

export class RetryingShare extends ShareWrapper {
  constructor(
    inner: FileShare,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    super(inner);
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (call.method === 'writeStream') return proceed();
    for (let attempt = 0; ; attempt++) {
      try {
        return await proceed();
      } catch (error) {
        if (shareFailureKind(error) !== 'connectivity' || attempt >= this.policy.retries || call.signal.aborted) throw error;
        await sleep(this.policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() / 2), call.signal);
      }
    }
  }
}
