import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalShare } from '../../../main/engine/share/local-share';
import { doneWith, lendUntilDone, WritingFile, WritingSocket } from '../../../main/engine/share/lent-buffers';

/** Buffers registered to come back once written, and the list they come back to. */
function registered(count: number, size: number): { buffers: Buffer[]; givenBack: Buffer[] } {
  const givenBack: Buffer[] = [];
  const buffers = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i + 1));
  for (const buffer of buffers) lendUntilDone(buffer, (bytes) => givenBack.push(bytes));
  return { buffers, givenBack };
}

describe('lent buffers: what a consumer is done with goes back to its producer', () => {
  it('a buffer goes back once every byte of it is reported, in whatever pieces; a view outside it counts for nothing', () => {
    const memory = Buffer.alloc(100);
    const lent = memory.subarray(10, 90);
    const givenBack: Buffer[] = [];
    lendUntilDone(lent, (bytes) => givenBack.push(bytes));
    doneWith(memory.subarray(0, 10));
    doneWith(memory.subarray(90, 100));
    doneWith(lent.subarray(0, 30));
    doneWith(lent.subarray(30, 79));
    expect(givenBack).toEqual([]);
    doneWith(lent.subarray(79, 80));
    expect(givenBack).toEqual([lent]);
    // Given back once: later reports (of memory lent to nobody now) do nothing.
    doneWith(lent);
    expect(givenBack).toHaveLength(1);
  });

  it('a buffer some of whose bytes nobody reports never goes back', () => {
    const lent = Buffer.alloc(1024);
    const givenBack: Buffer[] = [];
    lendUntilDone(lent, (bytes) => givenBack.push(bytes));
    doneWith(lent.subarray(512));
    expect(givenBack).toEqual([]);
  });
});

describe('written buffers: a driver hands each written buffer back to its producer', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'ibc-written-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('the local share gives every buffer back once it is in the file, and writes it whole', async () => {
    const { buffers, givenBack } = registered(5, 64 * 1024);
    await new LocalShare(dir).writeStream('out.bin', Readable.from(buffers), new AbortController().signal);
    expect(givenBack).toEqual(buffers);
    expect((await readFile(path.join(dir, 'out.bin'))).equals(Buffer.concat(buffers))).toBe(true);
  });

  it("a restore's file writer gives every piece back once it is in the file", async () => {
    const { buffers, givenBack } = registered(6, 128 * 1024);
    const file = new WritingFile(path.join(dir, 'restored.bin'), { flags: 'wx', mode: 0o600 });
    // Whether each piece was back by the time its write was reported done.
    const backWhenDone: boolean[] = [];
    for (const buffer of buffers) file.write(buffer, () => backWhenDone.push(givenBack.includes(buffer)));
    file.end();
    await once(file, 'close');
    expect(backWhenDone).toEqual(buffers.map(() => true));
    expect((await readFile(path.join(dir, 'restored.bin'))).equals(Buffer.concat(buffers))).toBe(true);
  });

  it('the upload socket gives every buffer back once the kernel has it', async () => {
    const received: Buffer[] = [];
    const server = net.createServer((peer) => peer.on('data', (chunk: Buffer) => received.push(chunk)));
    const socketPath = path.join(dir, 'sink.sock');
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const { buffers, givenBack } = registered(8, 256 * 1024);
      const socket = new WritingSocket();
      await new Promise<void>((resolve) => socket.connect(socketPath, resolve));
      // Whether each buffer was back by the time its write was reported done.
      const backWhenDone: boolean[] = [];
      for (const buffer of buffers) socket.write(buffer, () => backWhenDone.push(givenBack.includes(buffer)));
      await new Promise<void>((resolve) => socket.end(resolve));
      expect(backWhenDone).toEqual(buffers.map(() => true));
      expect(new Set(givenBack)).toEqual(new Set(buffers));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(Buffer.concat(received).equals(Buffer.concat(buffers))).toBe(true);
    } finally {
      server.close();
    }
  });
});
