/**
 * Counts the calls made to a share, per method (and keeps each call's path):
 * how tests assert what a job or an idle hour costs in round trips.
 */
import { ShareWrapper, type ShareCall, type ShareMethod } from './share-wrapper';

export class CountingShare extends ShareWrapper {
  readonly calls: Array<{ method: ShareMethod; path: string | undefined }> = [];

  count(method: ShareMethod): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  /** Calls per method, methods never called left out. */
  counts(): Partial<Record<ShareMethod, number>> {
    const counts: Partial<Record<ShareMethod, number>> = {};
    for (const call of this.calls) counts[call.method] = (counts[call.method] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.calls.length = 0;
  }

  protected intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    this.calls.push({ method: call.method, path: call.path });
    return proceed();
  }
}
