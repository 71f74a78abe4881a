import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkDecryptor } from '../../../main/engine/backup/chunked-aead';
import { ComponentEncryptor } from '../../../main/engine/backup/component-encryptor';
import { CryptoPool } from '../../../main/engine/backup/crypto-pool';

const CHUNK = 64 * 1024;

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** What a tar of small random files looks like: a mostly-zero 512-byte header before every 4 KiB of random bytes. */
function smallRandomFiles(count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const header = Buffer.alloc(512);
    header.write(`f${String(i).padStart(7, '0')}.dat`, 0);
    header.write('0000644 ustar', 100);
    parts.push(header, randomBytes(4096));
  }
  return Buffer.concat(parts);
}

const text = (bytes: number): Buffer =>
  Buffer.from(
    Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => `{"vm":"vm-${i}","state":"Running"}\n`)
      .join('')
      .slice(0, bytes),
  );

describe('component stream: what is compressed', () => {
  const pool = new CryptoPool(2);
  afterAll(() => pool.close());

  const roundTrip = async (plaintext: Buffer): Promise<{ stored: Buffer; encryptor: ComponentEncryptor }> => {
    const key = randomBytes(32);
    const encryptor = new ComponentEncryptor(key, 'raw', CHUNK, pool);
    const parts: Buffer[] = [];
    for (let offset = 0; offset < plaintext.length; offset += 100_000) parts.push(plaintext.subarray(offset, offset + 100_000));
    const stored = await collect(Readable.from(parts).pipe(encryptor));
    expect((await collect(Readable.from([stored]).pipe(new ChunkDecryptor(key, {}, pool)))).equals(plaintext)).toBe(true);
    return { stored, encryptor };
  };

  it('stores small random files as they are: their headers alone would shrink the sample by about 11%, at gzip’s full cost', async () => {
    const { encryptor } = await roundTrip(smallRandomFiles(200));
    expect(encryptor.decided).toBe('none');
  });

  it('compresses text, and stores the segments of it that do not compress (mixed content, several segments)', async () => {
    const plaintext = Buffer.concat([text(1_500_000), randomBytes(2_200_000), text(3_000_000), randomBytes(10)]);
    const { stored, encryptor } = await roundTrip(plaintext);
    expect(encryptor.decided).toBe('gzip');
    expect(stored.length).toBeGreaterThan(2_200_000);
    expect(stored.length).toBeLessThan(2_200_000 + 1_000_000);
  });

  it('cancellation while segments are being compressed: nothing more comes out, nothing is left waiting', async () => {
    const encryptor = new ComponentEncryptor(randomBytes(32), 'raw', CHUNK, pool);
    const source = new Readable({ read() {} });
    source.pipe(encryptor);
    const errors: unknown[] = [];
    encryptor.on('error', (error) => errors.push(error));
    let destroyed = false;
    let afterDestroy = 0;
    const firstOutput = new Promise<void>((resolve) =>
      encryptor.on('data', () => {
        if (destroyed) afterDestroy += 1;
        resolve();
      }),
    );
    // Many segments at once: several are on the thread pool when the stream goes away.
    source.push(text(12 * 1024 * 1024));
    await firstOutput;
    destroyed = true;
    encryptor.destroy();
    source.destroy();
    await new Promise((resolve) => encryptor.once('close', resolve));
    await pool.idle();
    expect(afterDestroy).toBe(0);
    expect(errors).toEqual([]);
  });
});
