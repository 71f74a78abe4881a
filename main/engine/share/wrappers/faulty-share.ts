/**
 * Scripted faults, as Kopia's blobtesting/faulty.go: "the 3rd writeStream
 * under MASBackup fails with capacity", "the next list hangs until
 * aborted", "readStream fails with connectivity after 1 MiB". A fault fires
 * once, on the nth call of its method whose path matches; `assertAllFired`
 * fails the test when a scripted fault never fired (the code under test took
 * another path than the test believes).
 */
import { Transform, type Readable } from 'node:stream';
import { abortError, whenAborted } from '../abort';
import { notFoundError, shareError, type ShareFailureKind } from '../share-errors';
import { ShareWrapper, type ShareCall, type ShareMethod } from './share-wrapper';

export interface ScriptedFault {
  method: ShareMethod;
  /** Fires on the nth matching call (1 = the next one). Default 1. */
  nth?: number;
  /** Only calls whose path matches count (a string matches as a substring). */
  path?: string | RegExp;
  /** The failure kind to raise, or 'hang': wait until the call's signal aborts. */
  fault: ShareFailureKind | 'hang';
  /**
   * writeStream / readStream only: fail after this many bytes went through
   * (a write consumes that much of its source and then fails, storing
   * nothing; a read hands out that much and then errors).
   */
  afterBytes?: number;
}

interface ArmedFault extends ScriptedFault {
  seen: number;
  fired: boolean;
}

export class FaultyShare extends ShareWrapper {
  private readonly faults: ArmedFault[] = [];

  script(...faults: ScriptedFault[]): this {
    for (const fault of faults) this.faults.push({ ...fault, seen: 0, fired: false });
    return this;
  }

  /** Throws when a scripted fault never fired. */
  assertAllFired(): void {
    const unfired = this.faults.filter((fault) => !fault.fired);
    if (unfired.length > 0) {
      const described = unfired.map(
        (fault) => `${fault.method} #${fault.nth ?? 1}${fault.path ? ` on ${String(fault.path)}` : ''} → ${fault.fault}`,
      );
      throw new Error(`scripted share faults never fired: ${described.join('; ')}`);
    }
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    const fault = this.due(call);
    if (!fault) return proceed();
    if (fault.afterBytes !== undefined && call.method === 'readStream') {
      const stream = (await proceed()) as Readable;
      return failingAfter(stream, fault.afterBytes, () => this.failure(fault, call)) as T;
    }
    if (fault.afterBytes !== undefined && call.source) {
      await consume(call.source, fault.afterBytes).catch(() => undefined);
    }
    call.source?.destroy();
    if (fault.fault === 'hang') {
      const aborted = whenAborted(call.signal);
      await aborted.promise;
    }
    throw this.failure(fault, call);
  }

  /** Counts the call for every fault it matches, then fires the first one due. */
  private due(call: ShareCall): ArmedFault | undefined {
    let due: ArmedFault | undefined;
    for (const fault of this.faults) {
      if (fault.fired || fault.method !== call.method || !matches(fault.path, call.path)) continue;
      fault.seen++;
      if (!due && fault.seen === (fault.nth ?? 1)) due = fault;
    }
    if (due) due.fired = true;
    return due;
  }

  private failure(fault: ArmedFault, call: ShareCall): Error {
    if (fault.fault === 'hang') return abortError(call.signal);
    const detail = `Scripted fault: ${call.method} #${fault.nth ?? 1}${call.path ? ` of "${call.path}"` : ''}.`;
    if (fault.fault === 'not-found') return notFoundError(call.path ?? '', detail);
    return shareError(fault.fault, detail, detail);
  }
}

function matches(pattern: string | RegExp | undefined, path: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (path === undefined) return false;
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

/** Reads up to `limit` bytes of `source`, then stops. */
async function consume(source: Readable, limit: number): Promise<void> {
  let seen = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen >= limit) return;
  }
}

/** `stream`'s bytes up to `limit` (about: the last piece may be cut short of it), then an error. */
function failingAfter(stream: Readable, limit: number, error: () => Error): Readable {
  let passed = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const room = limit - passed;
      passed += chunk.length;
      if (passed < limit) return callback(null, chunk);
      this.push(chunk.subarray(0, room));
      stream.destroy();
      callback(error());
    },
    flush(callback) {
      callback(error());
    },
  });
  stream.once('error', (cause) => limiter.destroy(cause));
  return stream.pipe(limiter);
}
