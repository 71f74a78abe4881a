import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { EngineError } from '../errors';

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

function nonce(counter: number, last: boolean): Buffer {
  const bytes = Buffer.alloc(12);
  // 2^53 chunks of 1 MiB is far beyond any backup; the top bytes stay zero.
  bytes.writeUIntBE(Math.floor(counter / 2 ** 32), 3, 4);
  bytes.writeUInt32BE(counter >>> 0, 7);
  bytes[11] = last ? 1 : 0;
  return bytes;
}

/** Seals one chunk given as consecutive parts: GCM runs over them in turn, so they are never concatenated. */
function sealChunk(key: Buffer, header: Buffer, counter: number, last: boolean, plaintext: Buffer[]): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(counter, last));
  cipher.setAAD(header);
  const sealed = plaintext.map((part) => cipher.update(part));
  const final = cipher.final();
  if (final.length > 0) sealed.push(final);
  sealed.push(cipher.getAuthTag());
  return sealed;
}

function openChunk(key: Buffer, header: Buffer, counter: number, last: boolean, sealed: Buffer): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce(counter, last));
  decipher.setAAD(header);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    decipher.final();
    return body;
  } catch {
    return null;
  }
}

/**
 * Collects incoming buffers and hands out exact-size runs of them as views,
 * never copies: a copy per chunk would double the memory traffic, and the
 * garbage it makes is what drives the collector in a long backup.
 */
class ByteQueue {
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

/**
 * plaintext → header ‖ sealed chunks, as a plain object rather than a stream,
 * so one Transform can run compression and sealing together without a
 * stream between them (ComponentEncryptor).
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
  ) {}

  private sendHeader(out: (sealed: Buffer) => void): void {
    if (!this.headerSent) {
      out(this.header());
      this.headerSent = true;
    }
  }

  write(chunk: Buffer, out: (sealed: Buffer) => void): void {
    this.queue.push(chunk);
    // Strictly more than one chunk buffered: the chunk being sealed is known not to be the last.
    while (this.queue.length > this.chunkBytes) {
      this.sendHeader(out);
      for (const part of sealChunk(this.key, this.header(), this.counter++, false, this.queue.take(this.chunkBytes))) out(part);
    }
  }

  end(out: (sealed: Buffer) => void): void {
    this.sendHeader(out);
    for (const part of sealChunk(this.key, this.header(), this.counter++, true, this.queue.take(this.queue.length))) out(part);
  }
}

/** header ‖ sealed chunks → plaintext; any integrity failure is a StreamIntegrityError naming its class. */
export class ChunkDecryptor extends Transform {
  private readonly queue = new ByteQueue();
  private header: Buffer | null = null;
  private chunkBytes = 0;
  private counter = 0;
  compression: CompressionName = 'none';
  payload: PayloadName = 'tar';

  constructor(private readonly key: Buffer) {
    super({ highWaterMark: DEFAULT_CHUNK_BYTES });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.queue.push(chunk);
    try {
      if (!this.header) {
        if (this.queue.length < HEADER_BYTES) return callback();
        this.header = this.queue.takeBuffer(HEADER_BYTES);
        const decoded = decodeHeader(this.header);
        this.chunkBytes = decoded.chunkBytes;
        this.compression = decoded.compression;
        this.payload = decoded.payload;
        this.emit('header', decoded);
      }
      const sealedBytes = this.chunkBytes + TAG_BYTES;
      while (this.queue.length > sealedBytes) {
        const sealed = this.queue.takeBuffer(sealedBytes);
        const plaintext = openChunk(this.key, this.header, this.counter, false, sealed);
        if (!plaintext) {
          if (openChunk(this.key, this.header, this.counter, true, sealed))
            throw new StreamIntegrityError('trailing-data', 'There are bytes after the final chunk.');
          throw new StreamIntegrityError(
            'bad-tag',
            `Chunk ${this.counter} failed authentication (altered, reordered or from another file).`,
          );
        }
        this.counter++;
        this.push(plaintext);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.header)
      return callback(
        new StreamIntegrityError(
          this.queue.length === 0 ? 'truncated' : 'bad-header',
          'The component stream ends before its header is complete.',
        ),
      );
    if (this.queue.length < TAG_BYTES)
      return callback(new StreamIntegrityError('truncated', 'The component stream is truncated: its final chunk is missing.'));
    const sealed = this.queue.takeBuffer(this.queue.length);
    const plaintext = openChunk(this.key, this.header, this.counter, true, sealed);
    if (plaintext) {
      this.push(plaintext);
      return callback();
    }
    // Tell the operator what happened: a stream cut at a chunk boundary ends in a non-final chunk.
    if (openChunk(this.key, this.header, this.counter, false, sealed))
      return callback(new StreamIntegrityError('truncated', 'The component stream is truncated: it ends without its final chunk.'));
    return callback(new StreamIntegrityError('bad-tag', `The final chunk (${this.counter}) failed authentication.`));
  }
}
