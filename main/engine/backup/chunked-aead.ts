import { hkdfSync } from 'node:crypto';
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { constants as zlibConstants, createGunzip, type Gunzip } from 'node:zlib';
import { EngineError } from '../errors';
import { doneWith, lendUntilDone } from '../share/lent-buffers';
import { cryptoPool, type CryptoPool, type PooledHash } from './crypto-pool';

/**
 * The encrypted stream of one component (docs/BACKUP-FORMAT.md § Stream):
 *
 *   header  = "IBCSTRM1" ‖ version (1) ‖ compression (1) ‖ payload (1) ‖ 0x00 ‖ chunkSize (u32 BE)   16 bytes
 *   chunk i = AES-256-GCM(key, nonce_i, plaintext_i, aad = header) ‖ tag (16)
 *   nonce_i = i as 11-byte big-endian ‖ last-chunk flag (0x01 on the final chunk, else 0x00)
 *
 * Every chunk but the last holds exactly chunkSize plaintext bytes; the last
 * holds 0..chunkSize (an empty payload is one empty final chunk). The key is
 * derived per backup and component, so chunks cannot move between files or
 * backups; the counter stops reordering; the flag makes truncation at a chunk
 * boundary detectable; bytes after the final chunk are an error.
 */
export const STREAM_MAGIC = Buffer.from('IBCSTRM1', 'ascii');
export const STREAM_VERSION = 1;
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
export const COMPRESSION_CODES = { none: 0, gzip: 1 } as const;
export const PAYLOAD_CODES = { tar: 0, raw: 1 } as const;
export type CompressionName = keyof typeof COMPRESSION_CODES;
export type PayloadName = keyof typeof PAYLOAD_CODES;

export type StreamFailure = 'bad-header' | 'bad-tag' | 'truncated' | 'trailing-data';

export class StreamIntegrityError extends EngineError {
  constructor(
    readonly failure: StreamFailure,
    detail: string,
  ) {
    super({
      code: 'verify-failed',
      message: detail,
      remediation: 'The stored backup file was altered or damaged: do not rely on this backup; restore an earlier one and check the share.',
    });
  }
}

export function componentKey(dataKey: Buffer, backupId: string, component: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(backupId, 'utf8'), Buffer.from(`ibc-component-v1\0${component}`, 'utf8'), 32));
}

export function encodeHeader(compression: CompressionName, payload: PayloadName, chunkBytes: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  STREAM_MAGIC.copy(header, 0);
  header[8] = STREAM_VERSION;
  header[9] = COMPRESSION_CODES[compression];
  header[10] = PAYLOAD_CODES[payload];
  header[11] = 0;
  header.writeUInt32BE(chunkBytes, 12);
  return header;
}

export function decodeHeader(header: Buffer): { compression: CompressionName; payload: PayloadName; chunkBytes: number } {
  if (header.length < HEADER_BYTES || !header.subarray(0, 8).equals(STREAM_MAGIC))
    throw new StreamIntegrityError('bad-header', 'The file is not a backup component stream (bad magic).');
  if (header[8] !== STREAM_VERSION) throw new StreamIntegrityError('bad-header', `Unsupported stream version ${header[8]}.`);
  const compression = (Object.keys(COMPRESSION_CODES) as CompressionName[]).find((name) => COMPRESSION_CODES[name] === header[9]);
  const payload = (Object.keys(PAYLOAD_CODES) as PayloadName[]).find((name) => PAYLOAD_CODES[name] === header[10]);
  const chunkBytes = header.readUInt32BE(12);
  if (!compression || !payload || header[11] !== 0 || chunkBytes < 1024 || chunkBytes > 64 * 1024 * 1024)
    throw new StreamIntegrityError('bad-header', 'The stream header is malformed.');
  return { compression, payload, chunkBytes };
}

/**
 * Collects incoming buffers and hands out exact-size runs of them as views,
 * never copies: a copy per chunk would double the memory traffic, and the
 * garbage it makes is what drives the collector in a long backup.
 */
export class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;
  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }
  take(count: number): Buffer[] {
    const out: Buffer[] = [];
    let filled = 0;
    while (filled < count) {
      const head = this.parts[0]!;
      const need = count - filled;
      if (head.length <= need) {
        out.push(head);
        filled += head.length;
        this.parts.shift();
      } else {
        out.push(head.subarray(0, need));
        this.parts[0] = head.subarray(need);
        filled += need;
      }
    }
    this.length -= count;
    return out;
  }
  /** The same run as one buffer (copied only when it spans several parts). */
  takeBuffer(count: number): Buffer {
    const parts = this.take(count);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, count);
  }
}

/** Chunks sealed or opened on the pool but not yet handed on, per stream: beyond it, writes wait. */
const IN_FLIGHT_CHUNKS = 8;
/** Spent chunk buffers a reader keeps for reuse: those in flight, and some. */
const SPARE_CHUNKS = 16;

/**
 * A Duplex whose output is the results of jobs run on the crypto pool, in the
 * order they were started however they finish. Writes wait while
 * IN_FLIGHT_CHUNKS are pending, and results wait while the readable side is
 * full, so memory stays bounded. A stream destroyed mid-way (cancel) drops whatever is still on the
 * pool: the jobs finish there and their results are thrown away.
 */
export abstract class OrderedJobs extends Duplex {
  private outputTail: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private waiting: (() => void) | null = null;
  private readWanted: (() => void) | null = null;

  constructor(highWaterMark: number) {
    super({ readableHighWaterMark: highWaterMark, writableHighWaterMark: highWaterMark });
  }

  /** Takes written bytes; may start jobs with `enqueue`. */
  protected abstract accept(chunk: Buffer): Promise<void> | void;
  /** The input has ended: start the last jobs. */
  protected abstract finish(): Promise<void> | void;
  /** Hands one finished job's output on (push, or an inner stream); may wait. */
  protected abstract handOn(parts: Buffer[]): Promise<void> | void;
  /** Everything was emitted. */
  protected afterLast(): Promise<void> | void {}

  protected enqueue(result: Promise<Buffer[]>): void {
    this.inFlight += 1;
    result.catch(() => undefined); // reported in order, below
    this.outputTail = this.outputTail.then(async () => {
      const parts = await result;
      if (this.destroyed) return;
      await this.handOn(parts);
      // The readable side is full: hold the next result until it is read from.
      if (this.readableLength >= this.readableHighWaterMark) await new Promise<void>((resolve) => (this.readWanted = resolve));
      this.inFlight -= 1;
      this.wakeWriter();
    });
    this.outputTail.catch((error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))));
  }

  protected wakeWriter(): void {
    if (this.waiting && this.inFlight < IN_FLIGHT_CHUNKS) {
      const next = this.waiting;
      this.waiting = null;
      next();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    Promise.resolve()
      .then(() => this.accept(chunk))
      .then(
        () => {
          if (this.inFlight < IN_FLIGHT_CHUNKS) callback();
          else this.waiting = () => callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
  }

  override _final(callback: (error?: Error | null) => void): void {
    Promise.resolve()
      .then(() => this.finish())
      .then(() => this.outputTail)
      .then(() => this.afterLast())
      .then(
        () => {
          this.push(null);
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
  }

  override _read(): void {
    const wanted = this.readWanted;
    this.readWanted = null;
    wanted?.();
  }
}

/**
 * plaintext → header ‖ sealed chunks, as a plain object rather than a stream,
 * so one stream can run compression and sealing together without a stream
 * between them (ComponentEncryptor). Chunks are sealed on the crypto pool.
 */
export class ChunkSealer {
  private readonly queue = new ByteQueue();
  private counter = 0;
  private headerSent = false;

  constructor(
    private readonly key: Buffer,
    /** Read when the first chunk is sealed: the compression is decided by then. */
    private readonly header: () => Buffer,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    private readonly pool: CryptoPool = cryptoPool(),
    /** Hashes the output where it is sealed (CryptoPool.hashesWhereSealed); its results are then hashed already. */
    private readonly hashInto?: PooledHash,
  ) {}

  private sendHeader(out: (sealed: Promise<Buffer[]>) => void): void {
    if (!this.headerSent) {
      out(this.hashInto ? this.hashInto.update([this.header()]) : Promise.resolve([this.header()]));
      this.headerSent = true;
    }
  }

  write(chunk: Buffer, out: (sealed: Promise<Buffer[]>) => void): void {
    this.queue.push(chunk);
    // Strictly more than one chunk buffered: the chunk being sealed is known not to be the last.
    while (this.queue.length > this.chunkBytes) {
      this.sendHeader(out);
      out(this.pool.seal(this.key, this.header(), this.counter++, false, this.queue.take(this.chunkBytes), this.hashInto));
    }
  }

  end(out: (sealed: Promise<Buffer[]>) => void): void {
    this.sendHeader(out);
    out(this.pool.seal(this.key, this.header(), this.counter++, true, this.queue.take(this.queue.length), this.hashInto));
  }
}

/**
 * Cuts a component stream, arriving in pieces of any size (a share's read
 * stream hands out 64 KiB), into its header and its sealed chunks, each
 * copied once into a buffer of exactly its size that owns its memory: a
 * worker takes it by transfer, with no copy on the event loop, and the
 * allocation is the chunk's, not a queue of pieces. The header is decoded
 * (and a chunk size beyond the format's bound refused) before the first
 * chunk buffer is allocated. A full chunk is held until a further byte or
 * the end says whether it is the last. A piece is reported done
 * (lent-buffers.ts) once copied. Chunk buffers are reused (`reuse`): the
 * worker opens a chunk in place, and the plaintext's buffer, once its
 * consumer is done with it, is read into again — garbage here was released
 * only by full collections (93 in a 1 GiB restore).
 */
export class SealedChunkReader {
  private readonly headerBytes = Buffer.alloc(HEADER_BYTES);
  private headerFilled = 0;
  private sealedBytes = 0;
  private current: Buffer | null = null;
  private readonly spares: Buffer[] = [];
  private filled = 0;
  private held: Buffer | null = null;
  /** The decoded header, once its 16 bytes have arrived. */
  header: ReturnType<typeof decodeHeader> | null = null;

  /** The header's raw bytes (the chunks' additional authenticated data). */
  get headerRaw(): Buffer {
    return this.headerBytes;
  }

  /** A spent chunk buffer to read a later chunk into (ignored unless it is a whole chunk's size and its own memory). */
  reuse(buffer: Buffer): void {
    if (buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength || buffer.byteLength !== this.sealedBytes) return;
    if (this.spares.length < SPARE_CHUNKS) this.spares.push(buffer);
  }

  /** Takes one piece; `chunk` receives every sealed chunk known not to be the last, in order. `onHeader` runs once, when the header is complete. */
  push(piece: Buffer, chunk: (sealed: Buffer) => void, onHeader?: (header: ReturnType<typeof decodeHeader>) => void): void {
    let offset = 0;
    if (!this.header) {
      const n = Math.min(piece.length, HEADER_BYTES - this.headerFilled);
      piece.copy(this.headerBytes, this.headerFilled, 0, n);
      this.headerFilled += n;
      offset = n;
      if (this.headerFilled < HEADER_BYTES) return;
      this.header = decodeHeader(this.headerBytes);
      this.sealedBytes = this.header.chunkBytes + TAG_BYTES;
      onHeader?.(this.header);
    }
    while (offset < piece.length) {
      if (this.held) {
        chunk(this.held);
        this.held = null;
      }
      this.current ??= this.spares.pop() ?? Buffer.allocUnsafeSlow(this.sealedBytes);
      const n = Math.min(piece.length - offset, this.sealedBytes - this.filled);
      piece.copy(this.current, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === this.sealedBytes) {
        this.held = this.current;
        this.current = null;
        this.filled = 0;
      }
    }
    doneWith(piece);
  }

  /** The input has ended: the final chunk's bytes (shorter than a tag when the stream was truncated). */
  end(): Buffer {
    if (!this.header)
      throw new StreamIntegrityError(
        this.headerFilled === 0 ? 'truncated' : 'bad-header',
        'The component stream ends before its header is complete.',
      );
    const last = this.held ?? this.current?.subarray(0, this.filled) ?? Buffer.alloc(0);
    this.held = null;
    this.current = null;
    if (last.length < TAG_BYTES)
      throw new StreamIntegrityError('truncated', 'The component stream is truncated: its final chunk is missing.');
    return last;
  }
}

export interface DecryptOptions {
  /** Expected compression and payload (the manifest's); a header that differs fails the stream. */
  expect?: { compression: CompressionName; payload: PayloadName };
  /** The most plaintext (after decompression) the stream may produce; beyond it, it fails (a decompression bomb). */
  maxOutputBytes?: number;
  onMismatch?: (header: { compression: CompressionName; payload: PayloadName }) => Error;
}

export class OutputLimitExceeded extends EngineError {
  constructor(limit: number) {
    super({
      code: 'verify-failed',
      message: `The component expands to more than the ${limit} bytes its manifest records (a decompression bomb, or a forged manifest); it was stopped.`,
      remediation: 'Do not rely on this backup: verify it, and restore an earlier one.',
    });
  }
}

/**
 * header ‖ sealed chunks → plaintext, decompressed when the header says gzip;
 * any integrity failure is a StreamIntegrityError naming its class. Chunks
 * are opened on the crypto pool; decompression runs in the same stream
 * (stream.compose would concatenate everything it buffered).
 */
export class ChunkDecryptor extends OrderedJobs {
  private readonly reader = new SealedChunkReader();
  private counter = 0;
  private gunzip: Gunzip | null = null;
  private produced = 0;
  compression: CompressionName = 'none';
  payload: PayloadName = 'tar';

  constructor(
    private readonly key: Buffer,
    private readonly options: DecryptOptions = {},
    private readonly pool: CryptoPool = cryptoPool(),
  ) {
    super(DEFAULT_CHUNK_BYTES);
  }

  private out(bytes: Buffer): void {
    this.produced += bytes.length;
    const limit = this.options.maxOutputBytes;
    if (limit !== undefined && this.produced > limit) throw new OutputLimitExceeded(limit);
    if (!this.push(bytes)) this.gunzip?.pause();
  }

  override _read(): void {
    this.gunzip?.resume();
    super._read();
  }

  private open(counter: number, last: boolean, sealed: Buffer): Promise<Buffer[]> {
    return this.pool.open(this.key, this.reader.headerRaw, counter, last, [sealed]).then((opened) => {
      if ('plaintext' in opened) {
        // Opened in place: once the consumer is done with it, the plaintext's memory takes a later sealed chunk.
        lendUntilDone(opened.plaintext, (done) => this.reader.reuse(Buffer.from(done.buffer)));
        return [opened.plaintext];
      }
      if (last && opened.asOther)
        throw new StreamIntegrityError('truncated', 'The component stream is truncated: it ends without its final chunk.');
      if (!last && opened.asOther) throw new StreamIntegrityError('trailing-data', 'There are bytes after the final chunk.');
      throw new StreamIntegrityError(
        'bad-tag',
        last
          ? `The final chunk (${counter}) failed authentication.`
          : `Chunk ${counter} failed authentication (altered, reordered or from another file).`,
      );
    });
  }

  protected accept(chunk: Buffer): void {
    this.reader.push(
      chunk,
      (sealed) => this.enqueue(this.open(this.counter++, false, sealed)),
      (decoded) => this.start(decoded),
    );
  }

  private start(decoded: ReturnType<typeof decodeHeader>): void {
    const expected = this.options.expect;
    if (expected && (expected.compression !== decoded.compression || expected.payload !== decoded.payload))
      throw this.options.onMismatch?.(decoded) ?? new StreamIntegrityError('bad-header', 'The stream header does not match the manifest.');
    this.compression = decoded.compression;
    this.payload = decoded.payload;
    if (decoded.compression === 'gzip') {
      const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH, chunkSize: 256 * 1024 });
      gunzip.on('data', (data: Buffer) => {
        try {
          this.out(data);
        } catch (error) {
          this.destroy(error as Error);
        }
      });
      gunzip.on('error', (error) => this.destroy(error));
      this.gunzip = gunzip;
    }
  }

  protected finish(): void {
    const last = this.reader.end();
    this.enqueue(this.open(this.counter++, true, last));
  }

  protected async handOn(parts: Buffer[]): Promise<void> {
    const gunzip = this.gunzip;
    if (!gunzip) {
      for (const part of parts) this.out(part);
      return;
    }
    for (const part of parts) {
      // zlib has read all of `part` by the time its write is called back.
      const room = gunzip.write(part, (error) => {
        if (!error) doneWith(part);
      });
      if (!room) await once(gunzip, 'drain');
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.gunzip?.destroy();
    callback(error);
  }

  protected override async afterLast(): Promise<void> {
    const gunzip = this.gunzip;
    if (!gunzip) return;
    const ended = once(gunzip, 'end');
    gunzip.end();
    await ended;
  }
}
