import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalShare } from '../../../main/engine/share/local-share';
import { giveBackWhenWritten, WritingSocket } from '../../../main/engine/share/written-buffers';

/** Buffers registered to come back once written, and the list they come back to. */
function registered(count: number, size: number): { buffers: Buffer[]; givenBack: Buffer[] } {
  const givenBack: Buffer[] = [];
  const buffers = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i + 1));
  for (const buffer of buffers) giveBackWhenWritten(buffer, (bytes) => givenBack.push(bytes));
  return { buffers, givenBack };
}

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
