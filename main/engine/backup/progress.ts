import { Transform, type TransformCallback } from 'node:stream';

/** Counts bytes flowing through, without copying them. */
export class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes: (delta: number) => void = () => undefined) {
    super({ highWaterMark: 1024 * 1024 });
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    callback(null, chunk);
  }
}

/** Rate and ETA over a sliding window, for progress events. */
export class RateMeter {
  private samples: Array<{ at: number; bytes: number }> = [];
  constructor(private readonly windowMs = 5000) {}

  sample(at: number, bytesDone: number): number {
    this.samples.push({ at, bytes: bytesDone });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    return elapsed > 0 ? (bytesDone - first.bytes) / elapsed : 0;
  }
}

export function etaSeconds(bytesDone: number, bytesTotal: number | null, bytesPerSecond: number): number | null {
  if (bytesTotal === null || bytesPerSecond <= 0) return null;
  return Math.max(0, Math.round((bytesTotal - bytesDone) / bytesPerSecond));
}
