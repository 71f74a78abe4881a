import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ChunkDecryptor, encodeHeader, OrderedJobs, StreamIntegrityError } from '../../../main/engine/backup/chunked-aead';
import { ComponentEncryptor } from '../../../main/engine/backup/component-encryptor';
import { CryptoPool } from '../../../main/engine/backup/crypto-pool';
import { doneWith } from '../../../main/engine/share/lent-buffers';

const CHUNK = 64 * 1024;

/** The format's stream, sealed one chunk after another on this thread (docs/BACKUP-FORMAT.md § Component stream). */
function sealSequentially(key: Buffer, plaintext: Buffer, chunkBytes: number): Buffer {
  const header = encodeHeader('none', 'raw', chunkBytes);
  const out = [header];
  const count = Math.max(1, Math.ceil(plaintext.length / chunkBytes));
  for (let i = 0; i < count; i++) {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(i, 7);
    nonce[11] = i === count - 1 ? 1 : 0;
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(header);
    out.push(cipher.update(plaintext.subarray(i * chunkBytes, (i + 1) * chunkBytes)), cipher.final(), cipher.getAuthTag());
  }
  return Buffer.concat(out);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Feeds `data` in pieces of awkward sizes, so chunks are cut from several writes. */
function pieces(data: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = [1000, 70_000, 5, 300_000, 64 * 1024][i % 5]!;
    parts.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return Readable.from(parts);
}

describe('crypto pool: sealing and hashing on worker threads', () => {
  const pool = new CryptoPool(3);
  afterAll(() => pool.close());

  it('on a pool of one worker, hashes each chunk where it is sealed: one message per chunk, the same bytes and hash', async () => {
    const single = new CryptoPool(1);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const key = randomBytes(32);
      const plaintext = randomBytes(40 * CHUNK + 123);
      const encryptor = new ComponentEncryptor(key, 'raw', CHUNK, single);
      const stored = await collect(pieces(plaintext).pipe(encryptor));
      expect(stored.equals(sealSequentially(key, plaintext, CHUNK))).toBe(true);
      expect(encryptor.sha256()).toBe(createHash('sha256').update(stored).digest('hex'));
      // 41 chunks sealed (and hashed), the header hashed, the digest asked for.
      expect(posted).toHaveBeenCalledTimes(41 + 2);
    } finally {
      posted.mockRestore();
      await single.close();
    }
  });

  it('seals later chunks into the chunks the share has written, so their memory leaves the event loop', async () => {
    const key = randomBytes(32);
    const plaintext = randomBytes(40 * CHUNK + 123);
    const encryptor = new ComponentEncryptor(key, 'raw', CHUNK, pool);
    const copies: Buffer[] = [];
    const written: Buffer[] = [];
    // A driver: keeps a copy of each chunk, then says it is done with it.
    const share = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        copies.push(Buffer.from(chunk));
        written.push(chunk);
        doneWith(chunk);
        callback();
      },
    });
    await pipeline(pieces(plaintext), encryptor, share);
    const stored = Buffer.concat(copies);
    expect(stored.equals(sealSequentially(key, plaintext, CHUNK))).toBe(true);
    expect(encryptor.sha256()).toBe(createHash('sha256').update(stored).digest('hex'));
    // Reused: transferred to a worker to be sealed into, a written chunk's buffer is detached here.
    const reused = written.filter((chunk) => chunk.buffer.byteLength === 0);
    expect(reused.length).toBeGreaterThan(20);
  });

  it('opens chunks in place and reads later chunks into the plaintext its consumer is done with', async () => {
    const key = randomBytes(32);
    const plaintext = randomBytes(40 * CHUNK + 123);
    const stored = sealSequentially(key, plaintext, CHUNK);
    const copies: Buffer[] = [];
    const handedOut: Buffer[] = [];
    // A restore's file writer: keeps a copy of each piece, then says it is done with it.
    const file = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        copies.push(Buffer.from(chunk));
        handedOut.push(chunk);
        doneWith(chunk);
        callback();
      },
    });
    await pipeline(pieces(stored), new ChunkDecryptor(key, {}, pool), file);
    expect(Buffer.concat(copies).equals(plaintext)).toBe(true);
    // Reused: read into as a later sealed chunk and transferred to a worker, a spent plaintext's buffer is detached here.
    const reused = handedOut.filter((chunk) => chunk.buffer.byteLength === 0);
    expect(reused.length).toBeGreaterThan(20);
  });

  it('reuses no plaintext its consumer still holds: a stream whose consumer reports nothing keeps every piece intact', async () => {
    const key = randomBytes(32);
    const plaintext = randomBytes(20 * CHUNK + 7);
    const held = await collect(pieces(sealSequentially(key, plaintext, CHUNK)).pipe(new ChunkDecryptor(key, {}, pool)));
    expect(held.equals(plaintext)).toBe(true);
  });

  it('produces the format byte for byte, in chunk order, with the SHA-256 of what it produced', async () => {
    const key = randomBytes(32);
    // Incompressible, so the stream is stored as is and can be compared with a sequential sealing.
    const plaintext = randomBytes(40 * CHUNK + 123);
    const encryptor = new ComponentEncryptor(key, 'raw', CHUNK, pool);
    const stored = await collect(pieces(plaintext).pipe(encryptor));
    expect(stored.equals(sealSequentially(key, plaintext, CHUNK))).toBe(true);
    expect(encryptor.sha256()).toBe(createHash('sha256').update(stored).digest('hex'));
    expect(encryptor.storedBytes).toBe(stored.length);
    // And back, through the pool again.
    const decrypted = await collect(pieces(stored).pipe(new ChunkDecryptor(key, {}, pool)));
    expect(decrypted.equals(plaintext)).toBe(true);
  });

  it('compresses what compresses and round-trips it', async () => {
    const key = randomBytes(32);
    const plaintext = Buffer.from(JSON.stringify(Array.from({ length: 60_000 }, (_, i) => ({ i, name: `item-${i}` }))));
    const encryptor = new ComponentEncryptor(key, 'raw', CHUNK, pool);
    const stored = await collect(pieces(plaintext).pipe(encryptor));
    expect(encryptor.decided).toBe('gzip');
    expect(stored.length).toBeLessThan(plaintext.length / 3);
    expect((await collect(Readable.from([stored]).pipe(new ChunkDecryptor(key, {}, pool)))).equals(plaintext)).toBe(true);
  });

  it('hands results on in the order the jobs were started, whatever order they finish in', async () => {
    const finishers: Array<() => void> = [];
    class Reversed extends OrderedJobs {
      protected accept(chunk: Buffer): void {
        this.enqueue(new Promise<Buffer[]>((resolve) => finishers.push(() => resolve([chunk]))));
      }
      protected finish(): void {
        // Finish every job, last started first.
        for (const finisher of finishers.reverse()) finisher();
      }
      protected handOn(parts: Buffer[]): void {
        for (const part of parts) this.push(part);
      }
    }
    const out = await collect(Readable.from(['a', 'b', 'c', 'd', 'e'].map((s) => Buffer.from(s))).pipe(new Reversed(1024)));
    expect(out.toString()).toBe('abcde');
  });

  it('fails the stream when a job fails on its worker, and keeps working for the next stream', async () => {
    const badKey = randomBytes(16); // AES-256 needs 32 bytes: the worker's cipher throws
    await expect(
      pipeline(Readable.from([randomBytes(3 * CHUNK)]), new ComponentEncryptor(badKey, 'raw', CHUNK, pool), collectSink()),
    ).rejects.toThrow(/key/i);
    const key = randomBytes(32);
    const plaintext = randomBytes(5 * CHUNK);
    expect(
      (
        await collect(
          Readable.from([await collect(Readable.from([plaintext]).pipe(new ComponentEncryptor(key, 'raw', CHUNK, pool)))]).pipe(
            new ChunkDecryptor(key, {}, pool),
          ),
        )
      ).equals(plaintext),
    ).toBe(true);
  });

  it('rejects what a dead worker held, and starts a new worker for later jobs', async () => {
    const own = new CryptoPool(1);
    try {
      const key = randomBytes(32);
      const header = encodeHeader('none', 'raw', CHUNK);
      const pending = own.seal(key, header, 0, true, [randomBytes(CHUNK)]);
      await own.close(); // the worker dies with the job on it
      await expect(pending).rejects.toThrow(/worker stopped/);
      const sealed = await own.seal(key, header, 0, true, [Buffer.from('after')]);
      expect(Buffer.concat(sealed).length).toBe(5 + 16);
    } finally {
      await own.close();
    }
  });

  it('an idle pool keeps nothing referenced, so a host process can exit (a cancelled backup left a port referenced)', async () => {
    const referenced = (): number =>
      (process as unknown as { _getActiveHandles(): Array<{ hasRef?: () => boolean; constructor: { name: string } }> })
        ._getActiveHandles()
        .filter((handle) => ['MessagePort', 'Worker'].includes(handle.constructor.name) && handle.hasRef?.() === true).length;
    const before = referenced();
    const own = new CryptoPool(3);
    try {
      // The second hash stream lives on the third worker: all three start, only one gets a job.
      own.sha256();
      own.sha256().drop();
      await own.idle();
      expect(referenced()).toBe(before);
    } finally {
      await own.close();
    }
  });

  it('is sized to the cores but one by default (the event loop keeps one busy), and starts workers only as jobs need them', async () => {
    const own = new CryptoPool();
    try {
      expect(own.started()).toBe(0);
      const key = randomBytes(32);
      const header = encodeHeader('none', 'raw', CHUNK);
      const sealing = Array.from({ length: 8 }, (_, i) => own.seal(key, header, i, false, [randomBytes(CHUNK)]));
      expect(own.started()).toBe(Math.max(1, availableParallelism() - 1));
      await Promise.all(sealing);
    } finally {
      await own.close();
    }
  });

  it('a tampered chunk fails authentication with its class', async () => {
    const key = randomBytes(32);
    const stored = sealSequentially(key, randomBytes(4 * CHUNK), CHUNK);
    stored[16 + CHUNK + 16 + 7]! ^= 1;
    await expect(collect(Readable.from([stored]).pipe(new ChunkDecryptor(key, {}, pool)))).rejects.toSatisfy(
      (error) => error instanceof StreamIntegrityError && error.failure === 'bad-tag',
    );
  });

  it('cancellation mid-chunk: a destroyed stream emits nothing more, and the pool drains to idle', async () => {
    const key = randomBytes(32);
    const source = new Readable({ read() {} });
    const encryptor = new ComponentEncryptor(key, 'raw', CHUNK, pool);
    source.pipe(encryptor);
    let afterDestroy = 0;
    let destroyed = false;
    const errors: unknown[] = [];
    encryptor.on('error', (error) => errors.push(error));
    const firstOutput = new Promise<void>((resolve) =>
      encryptor.on('data', () => {
        if (destroyed) afterDestroy += 1;
        resolve();
      }),
    );
    // Many chunks at once: several are being sealed on the workers when the stream goes away.
    for (let i = 0; i < 30; i++) source.push(randomBytes(CHUNK));
    await firstOutput;
    destroyed = true;
    encryptor.destroy();
    source.destroy();
    await new Promise((resolve) => encryptor.once('close', resolve));
    await pool.idle();
    expect(afterDestroy).toBe(0);
    expect(errors).toEqual([]);
    expect(pool.outstanding()).toBe(0);
  });
});

function collectSink() {
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const _ of source) void _;
  };
}
