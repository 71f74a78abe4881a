import { Transform, type TransformCallback } from 'node:stream';
import { createGzip, gzipSync, type Gzip } from 'node:zlib';
import { ChunkSealer, encodeHeader, type CompressionName, type PayloadName } from './chunked-aead';

/** Compression is skipped when the first bytes of a component shrink by less than 10%. */
const PROBE_BYTES = 256 * 1024;
const WORTHWHILE_RATIO = 0.9;

/**
 * Plaintext → gzip (level 1, when the first 256 KiB shrink by 10% or more) →
 * sealed chunks, in one Transform. Level 1: infrastructure data (JSON,
 * databases) compresses well at it, and higher levels cost several times the
 * CPU for a few percent.
 *
 * One Transform rather than two composed streams: `stream.compose` reads its
 * inner stream without a size, which concatenates everything buffered — a
 * copy of every byte, measured as a tenth of a backup's CPU.
 */
export class ComponentEncryptor extends Transform {
  decided: CompressionName | null = null;
  private probe: Buffer[] = [];
  private probeBytes = 0;
  private gzip: Gzip | null = null;
  private readonly sealer: ChunkSealer;
  private readonly out = (sealed: Buffer): void => {
    this.push(sealed);
  };

  constructor(key: Buffer, payload: PayloadName, chunkBytes: number) {
    super({ highWaterMark: chunkBytes });
    this.sealer = new ChunkSealer(key, () => encodeHeader(this.decided ?? 'none', payload, chunkBytes), chunkBytes);
  }

  private decide(): Buffer {
    const sample = Buffer.concat(this.probe);
    this.probe = [];
    this.decided = sample.length > 0 && gzipSync(sample, { level: 1 }).length <= sample.length * WORTHWHILE_RATIO ? 'gzip' : 'none';
    if (this.decided === 'gzip') {
      const gzip = createGzip({ level: 1, chunkSize: 256 * 1024 });
      gzip.on('data', (data: Buffer) => this.sealer.write(data, this.out));
      gzip.on('error', (error) => this.destroy(error));
      this.gzip = gzip;
    }
    return sample;
  }

  private forward(chunk: Buffer, callback: TransformCallback): void {
    if (!this.gzip) {
      this.sealer.write(chunk, this.out);
      return callback();
    }
    if (this.gzip.write(chunk)) callback();
    else this.gzip.once('drain', () => callback());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.decided) return this.forward(chunk, callback);
    this.probe.push(chunk);
    this.probeBytes += chunk.length;
    if (this.probeBytes < PROBE_BYTES) return callback();
    this.forward(this.decide(), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.decided) {
      const sample = this.decide();
      if (this.gzip) this.gzip.write(sample);
      else if (sample.length > 0) this.sealer.write(sample, this.out);
    }
    const gzip = this.gzip;
    if (!gzip) {
      this.sealer.end(this.out);
      return callback();
    }
    gzip.once('end', () => {
      this.sealer.end(this.out);
      callback();
    });
    gzip.end();
  }
}
