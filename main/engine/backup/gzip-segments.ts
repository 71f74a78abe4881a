import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** Plaintext is compressed in pieces of this size, each on its own (several at once, on libuv's thread pool). */
export const SEGMENT_BYTES = 1024 * 1024;
/** A piece is compressed when a sample of it shrinks to this fraction or less; otherwise it is stored. */
const WORTHWHILE_RATIO = 0.8;
const SAMPLE_BYTES = 16 * 1024;

/** gzip member header (RFC 1952): deflate, no name, no time, XFL 4 (fastest), OS 3 (Unix) — what zlib writes at level 1. */
const MEMBER_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3]);
/** An empty final block (fixed Huffman, end of block): the end of the deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
const STORED_BLOCK_MAX = 0xffff;

/** Whether `sample` shrinks at gzip level 1 to WORTHWHILE_RATIO of its size or less. */
export function worthCompressing(sample: Buffer): boolean {
  return sample.length > 0 && deflateRawSync(sample, { level: 1 }).length <= sample.length * WORTHWHILE_RATIO;
}

/** `bytes` as stored (uncompressed) deflate blocks, not final; the stream is byte-aligned before and after. */
function storedBlocks(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += STORED_BLOCK_MAX) {
    const length = Math.min(STORED_BLOCK_MAX, bytes.length - offset);
    // BFINAL 0, BTYPE 00, padding to the byte; LEN and its one's complement, little-endian.
    parts.push(
      Buffer.from([0, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff]),
      bytes.subarray(offset, offset + length),
    );
  }
  return parts;
}

/**
 * Deflate blocks of one segment, ending with a sync flush (byte-aligned, not
 * final) so that the segments of a stream concatenate into one deflate
 * stream. A segment whose sample does not compress is stored: gzip level 1
 * costs about 20 core-seconds per GiB on data that does not compress, seven
 * times the rest of a backup, and storing costs a copy.
 */
async function deflateSegment(segment: Buffer): Promise<Buffer[]> {
  const start = Math.max(0, Math.floor((segment.length - SAMPLE_BYTES) / 2));
  const sample = segment.subarray(start, start + SAMPLE_BYTES);
  const sampled = await deflateRawAsync(sample, { level: 1 });
  if (sampled.length > sample.length * WORTHWHILE_RATIO) return storedBlocks(segment);
  const deflated = await deflateRawAsync(segment, { level: 1, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 256 * 1024 });
  return deflated.length < segment.length ? [deflated] : storedBlocks(segment);
}

/**
 * One gzip member (RFC 1952) written from independently compressed
 * segments: each segment's deflate blocks start without the previous
 * segment's history, so segments are compressed in parallel and one that
 * does not compress is stored. Any gzip reader reads the result; the
 * compression lost at segment starts is a few bytes per MiB.
 */
export class GzipSegments {
  private crc = 0;
  private size = 0;

  header(): Buffer {
    return MEMBER_HEADER;
  }

  /** Deflate blocks of the next segment; call in stream order (the checksum runs over the segments as given). */
  segment(bytes: Buffer): Promise<Buffer[]> {
    this.crc = crc32(bytes, this.crc);
    this.size += bytes.length;
    return deflateSegment(bytes);
  }

  /** The end of the member: a final block, CRC-32 and size mod 2^32 of all segments. */
  trailer(): Buffer {
    const trailer = Buffer.alloc(FINAL_BLOCK.length + 8);
    FINAL_BLOCK.copy(trailer, 0);
    trailer.writeUInt32LE(this.crc >>> 0, FINAL_BLOCK.length);
    trailer.writeUInt32LE(this.size % 2 ** 32, FINAL_BLOCK.length + 4);
    return trailer;
  }
}
