import { describe, expect, it, vi } from 'vitest';
import { encodeHeader, HEADER_BYTES, SealedChunkReader, StreamIntegrityError, TAG_BYTES } from '../../../main/engine/backup/chunked-aead';

const CHUNK = 1024; // the smallest chunk size the format allows
const SEALED = CHUNK + TAG_BYTES;

/** A stream of `count` full sealed chunks and a final one of `lastBytes`, each byte its offset mod 251 (so a misplaced byte shows). */
function stream(count: number, lastBytes: number): Buffer {
  const header = encodeHeader('none', 'raw', CHUNK);
  const body = Buffer.alloc(count * SEALED + lastBytes);
  for (let i = 0; i < body.length; i++) body[i] = i % 251;
  return Buffer.concat([header, body]);
}

/** Feeds `data` to a reader in pieces of the given sizes (cycled); the chunks it emitted, and its final chunk. */
function read(data: Buffer, sizes: number[], reader = new SealedChunkReader()): { chunks: Buffer[]; last: Buffer } {
  const chunks: Buffer[] = [];
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    // Copied, as a share's read stream hands out buffers of its own: the reader must not keep views of them.
    reader.push(Buffer.from(data.subarray(offset, offset + size)), (sealed) => chunks.push(Buffer.from(sealed)));
    offset += size;
  }
  return { chunks, last: reader.end() };
}

const failure = (kind: string) => (error: unknown) => error instanceof StreamIntegrityError && error.failure === kind;

describe('SealedChunkReader: a component stream cut into sealed chunks, each in one buffer of its own', () => {
  it.each([
    ['one byte at a time', [1]],
    ['pieces that straddle the header and every chunk boundary', [7, 1500, 3, SEALED, 64 * 1024]],
    ['the whole stream in one piece', [1 << 20]],
    ['exactly a chunk per piece after the header', [HEADER_BYTES, SEALED]],
  ])('%s: the same chunks, in order, the last held back', (_name, sizes) => {
    const data = stream(5, 300);
    const { chunks, last } = read(data, sizes);
    expect(chunks.map((chunk) => chunk.length)).toEqual([SEALED, SEALED, SEALED, SEALED, SEALED]);
    expect(Buffer.concat([...chunks, last]).equals(data.subarray(HEADER_BYTES))).toBe(true);
    expect(last.length).toBe(300);
  });

  it('a stream that ends on a chunk boundary: the last full chunk is the final one, not emitted early', () => {
    const data = stream(3, 0);
    const { chunks, last } = read(data, [SEALED]);
    expect(chunks).toHaveLength(2);
    expect(last.length).toBe(SEALED);
    expect(last.equals(data.subarray(HEADER_BYTES + 2 * SEALED))).toBe(true);
  });

  it('each emitted chunk owns exactly its memory (a worker takes it by transfer, without a copy)', () => {
    const reader = new SealedChunkReader();
    const owned: boolean[] = [];
    reader.push(stream(3, 50), (sealed) => owned.push(sealed.byteOffset === 0 && sealed.buffer.byteLength === SEALED));
    expect(owned).toEqual([true, true, true]);
  });

  it('truncated input: no header, part of a header, a header alone, a final chunk shorter than its tag', () => {
    expect(() => new SealedChunkReader().end()).toThrow(expect.toSatisfy(failure('truncated')));
    expect(() => read(stream(0, 0).subarray(0, 9), [4])).toThrow(expect.toSatisfy(failure('bad-header')));
    expect(() => read(stream(0, 0), [3])).toThrow(expect.toSatisfy(failure('truncated')));
    expect(() => read(stream(2, TAG_BYTES - 1), [100])).toThrow(expect.toSatisfy(failure('truncated')));
    expect(read(stream(2, TAG_BYTES), [100]).last.length).toBe(TAG_BYTES);
  });

  it('a chunk size beyond the format bound (64 MiB) is refused from the header, before any chunk buffer is allocated', () => {
    const header = encodeHeader('none', 'raw', CHUNK);
    header.writeUInt32BE(0xffffffff, 12);
    const reader = new SealedChunkReader();
    const input = Buffer.concat([header, Buffer.alloc(10)]);
    const allocate = vi.spyOn(Buffer, 'allocUnsafeSlow');
    let emitted = 0;
    try {
      expect(() => reader.push(input, () => (emitted += 1))).toThrow(expect.toSatisfy(failure('bad-header')));
      expect(allocate).not.toHaveBeenCalled();
    } finally {
      allocate.mockRestore();
    }
    expect(emitted).toBe(0);
    expect(reader.header).toBeNull();
  });
});
