import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipSegments, SEGMENT_BYTES } from '../../../main/engine/backup/gzip-segments';

async function member(segments: Buffer[]): Promise<Buffer> {
  const gzip = new GzipSegments();
  const out = [gzip.header()];
  // Started together, as the component stream does; their blocks are concatenated in order.
  const deflated = await Promise.all(segments.map((segment) => gzip.segment(segment)));
  for (const blocks of deflated) out.push(...blocks);
  out.push(gzip.trailer());
  return Buffer.concat(out);
}

const text = (bytes: number): Buffer =>
  Buffer.from(
    Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => `{"vm":"vm-${i}","state":"Running"}\n`)
      .join('')
      .slice(0, bytes),
  );

describe('one gzip member from independently compressed segments', () => {
  it('reads back with any gzip reader: compressible and incompressible segments, a short last one', async () => {
    const segments = [text(SEGMENT_BYTES), randomBytes(SEGMENT_BYTES), text(SEGMENT_BYTES), randomBytes(70_000), text(1234)];
    const gz = await member(segments);
    expect(gunzipSync(gz).equals(Buffer.concat(segments))).toBe(true);
    // The text shrank; the random bytes were stored (5 bytes of framing per 64 KiB block, no more).
    expect(gz.length).toBeLessThan(SEGMENT_BYTES + 70_000 + 200_000);
    expect(gz.length).toBeGreaterThan(SEGMENT_BYTES + 70_000);
  });

  it('stores a segment that does not compress: its bytes appear as they are', async () => {
    const random = randomBytes(SEGMENT_BYTES);
    const gz = await member([random]);
    expect(gz.length).toBe(10 + random.length + 5 * Math.ceil(random.length / 0xffff) + 2 + 8);
    expect(gz.includes(random.subarray(0, 0xffff))).toBe(true);
    expect(gunzipSync(gz).equals(random)).toBe(true);
  });

  it('an empty member, and one-byte segments', async () => {
    expect(gunzipSync(await member([])).length).toBe(0);
    expect(gunzipSync(await member([Buffer.alloc(0)])).length).toBe(0);
    expect(gunzipSync(await member([Buffer.from('a'), Buffer.from('b')])).toString()).toBe('ab');
  });
});
