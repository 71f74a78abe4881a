import { once } from 'node:events';
import { createGzip, gzipSync, type Gzip } from 'node:zlib';
import { ChunkSealer, encodeHeader, OrderedJobs, type CompressionName, type PayloadName } from './chunked-aead';
import { cryptoPool, type CryptoPool, type PooledHash } from './crypto-pool';

/** Compression is skipped when the first bytes of a component shrink by less than 10%. */
const PROBE_BYTES = 256 * 1024;
const WORTHWHILE_RATIO = 0.9;

/**
 * Plaintext → gzip (level 1, when the first 256 KiB shrink by 10% or more) →
 * sealed chunks, in one stream, with the SHA-256 and size of what it
 * produces (the manifest's `sha256`, `storedBytes`). Level 1: infrastructure
 * data (JSON, databases) compresses well at it, and higher levels cost
 * several times the CPU for a few percent.
 *
 * Sealing and hashing run on the crypto pool (crypto-pool.ts): chunks are
 * sealed in parallel, hashed in order on one worker, and handed on in order.
 * One stream rather than composed ones: `stream.compose` reads its inner
 * stream without a size, which concatenates everything buffered.
 */
export class ComponentEncryptor extends OrderedJobs {
  decided: CompressionName | null = null;
  storedBytes = 0;
  private probe: Buffer[] = [];
  private probeBytes = 0;
  private gzip: Gzip | null = null;
  private readonly sealer: ChunkSealer;
  private readonly hash: PooledHash;
  private digest: string | null = null;
  private hashTail: Promise<unknown> = Promise.resolve();
  private readonly submit = (sealed: Promise<Buffer[]>): void => {
    // Hash updates are posted in chunk order (the hash worker takes them in the order posted).
    const previous = this.hashTail;
    const hashed = Promise.all([sealed, previous]).then(([parts]) => this.hash.update(parts));
    this.hashTail = hashed.catch(() => undefined);
    this.enqueue(hashed);
  };

  constructor(key: Buffer, payload: PayloadName, chunkBytes: number, pool: CryptoPool = cryptoPool()) {
    super(chunkBytes);
    this.sealer = new ChunkSealer(key, () => encodeHeader(this.decided ?? 'none', payload, chunkBytes), chunkBytes, pool);
    this.hash = pool.sha256();
  }

  /** Lowercase hex SHA-256 of everything this stream produced; known once it has ended. */
  sha256(): string {
    if (this.digest === null) throw new Error('The component stream has not ended yet.');
    return this.digest;
  }

  private decide(): Buffer {
    const sample = Buffer.concat(this.probe);
    this.probe = [];
    this.decided = sample.length > 0 && gzipSync(sample, { level: 1 }).length <= sample.length * WORTHWHILE_RATIO ? 'gzip' : 'none';
    if (this.decided === 'gzip') {
      const gzip = createGzip({ level: 1, chunkSize: 256 * 1024 });
      gzip.on('data', (data: Buffer) => this.sealer.write(data, this.submit));
      gzip.on('error', (error) => this.destroy(error));
      this.gzip = gzip;
    }
    return sample;
  }

  private async forward(chunk: Buffer): Promise<void> {
    if (!this.gzip) {
      this.sealer.write(chunk, this.submit);
      return;
    }
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
  }

  protected async accept(chunk: Buffer): Promise<void> {
    if (this.decided) return this.forward(chunk);
    this.probe.push(chunk);
    this.probeBytes += chunk.length;
    if (this.probeBytes >= PROBE_BYTES) await this.forward(this.decide());
  }

  protected async finish(): Promise<void> {
    if (!this.decided) {
      const sample = this.decide();
      if (sample.length > 0) await this.forward(sample);
    }
    const gzip = this.gzip;
    if (gzip) {
      const ended = once(gzip, 'end');
      gzip.end();
      await ended;
    }
    this.sealer.end(this.submit);
  }

  protected handOn(parts: Buffer[]): void {
    for (const part of parts) {
      this.storedBytes += part.length;
      this.push(part);
    }
  }

  protected override async afterLast(): Promise<void> {
    await this.hashTail;
    this.digest = await this.hash.digest();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.gzip?.destroy();
    if (this.digest === null) this.hash.drop();
    callback(error);
  }
}
