import { ByteQueue, ChunkSealer, encodeHeader, OrderedJobs, type CompressionName, type PayloadName } from './chunked-aead';
import { cryptoPool, type CryptoPool, type PooledHash } from './crypto-pool';
import { lendUntilDone } from '../share/lent-buffers';
import { GzipSegments, SEGMENT_BYTES, worthCompressing } from './gzip-segments';

/** Compression is decided on the first bytes of a component (gzip-segments.ts says what is worthwhile). */
const PROBE_BYTES = 256 * 1024;
/** Segments being compressed at once, per stream: beyond it, writes wait. */
const SEGMENTS_IN_FLIGHT = 4;

/**
 * Plaintext → gzip (when the first 256 KiB shrink to 80% or less at level 1)
 * → sealed chunks, in one stream, with the SHA-256 and size of what it
 * produces (the manifest's `sha256`, `storedBytes`). Level 1: infrastructure
 * data (JSON, databases) compresses well at it, and higher levels cost
 * several times the CPU for a few percent. A compressed component is one
 * gzip member made of 1 MiB segments compressed in parallel, each stored
 * instead when it does not compress (gzip-segments.ts).
 *
 * Sealing and hashing run on the crypto pool (crypto-pool.ts): chunks are
 * sealed in parallel, hashed in order on one worker, and handed on in order;
 * on a pool of one worker, each chunk is hashed in the job that seals it.
 * One stream rather than composed ones: `stream.compose` reads its inner
 * stream without a size, which concatenates everything buffered.
 */
export class ComponentEncryptor extends OrderedJobs {
  decided: CompressionName | null = null;
  storedBytes = 0;
  private probe: Buffer[] = [];
  private probeBytes = 0;
  private gzip: GzipSegments | null = null;
  private readonly segments = new ByteQueue();
  private compressedTail: Promise<void> = Promise.resolve();
  private compressing = 0;
  private compressedOne: (() => void) | null = null;
  private readonly sealer: ChunkSealer;
  private readonly hash: PooledHash;
  private digest: string | null = null;
  private hashTail: Promise<unknown> = Promise.resolve();
  private readonly hashedWhereSealed: boolean;
  private readonly submit = (sealed: Promise<Buffer[]>): void => {
    if (this.hashedWhereSealed) return this.enqueue(sealed);
    // Hash updates are posted in chunk order (the hash worker takes them in the order posted).
    const previous = this.hashTail;
    const hashed = Promise.all([sealed, previous]).then(([parts]) => this.hash.update(parts));
    this.hashTail = hashed.catch(() => undefined);
    this.enqueue(hashed);
  };

  constructor(
    key: Buffer,
    payload: PayloadName,
    chunkBytes: number,
    private readonly pool: CryptoPool = cryptoPool(),
  ) {
    super(chunkBytes);
    this.hash = pool.sha256();
    this.hashedWhereSealed = pool.hashesWhereSealed();
    const header = (): Buffer => encodeHeader(this.decided ?? 'none', payload, chunkBytes);
    this.sealer = new ChunkSealer(key, header, chunkBytes, pool, this.hashedWhereSealed ? this.hash : undefined);
  }

  /** Lowercase hex SHA-256 of everything this stream produced; known once it has ended. */
  sha256(): string {
    if (this.digest === null) throw new Error('The component stream has not ended yet.');
    return this.digest;
  }

  private decide(): Buffer {
    const sample = Buffer.concat(this.probe);
    this.probe = [];
    this.decided = worthCompressing(sample) ? 'gzip' : 'none';
    if (this.decided === 'gzip') {
      this.gzip = new GzipSegments();
      this.sealer.write(this.gzip.header(), this.submit);
    }
    return sample;
  }

  /** Starts compressing one segment; its blocks go to the sealer in segment order. */
  private compress(gzip: GzipSegments, segment: Buffer): void {
    const deflated = gzip.segment(segment);
    deflated.catch(() => undefined); // reported in order, below
    this.compressing += 1;
    this.compressedTail = this.compressedTail.then(async () => {
      try {
        const blocks = await deflated;
        if (!this.destroyed) for (const block of blocks) this.sealer.write(block, this.submit);
      } finally {
        this.compressing -= 1;
        this.wakeCompressor();
      }
    });
    this.compressedTail.catch((error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))));
  }

  private wakeCompressor(): void {
    const wake = this.compressedOne;
    this.compressedOne = null;
    wake?.();
  }

  private async forward(chunk: Buffer): Promise<void> {
    const gzip = this.gzip;
    if (!gzip) {
      this.sealer.write(chunk, this.submit);
      return;
    }
    this.segments.push(chunk);
    while (this.segments.length >= SEGMENT_BYTES) this.compress(gzip, this.segments.takeBuffer(SEGMENT_BYTES));
    while (this.compressing >= SEGMENTS_IN_FLIGHT && !this.destroyed) await new Promise<void>((resolve) => (this.compressedOne = resolve));
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
      if (this.segments.length > 0) this.compress(gzip, this.segments.takeBuffer(this.segments.length));
      await this.compressedTail;
      this.sealer.write(gzip.trailer(), this.submit);
    }
    this.sealer.end(this.submit);
  }

  protected handOn(parts: Buffer[]): void {
    for (const part of parts) {
      this.storedBytes += part.length;
      lendUntilDone(part, (written) => this.pool.recycle(written));
      this.push(part);
    }
  }

  protected override async afterLast(): Promise<void> {
    await this.hashTail;
    this.digest = await this.hash.digest();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.wakeCompressor();
    if (this.digest === null) this.hash.drop();
    callback(error);
  }
}
