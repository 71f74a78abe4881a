import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeFd, openDownloadPipe } from '../../../main/engine/share/data-pipe';
import { readDownloadPipe } from '../../../main/engine/share/download-reader';
import { doneWith } from '../../../main/engine/share/lent-buffers';

/** Everything `content` is, as smbclient writes a download into the pipe, read by readDownloadPipe into `consumer`. */
async function download(dir: string, content: Buffer, consumer: Writable): Promise<void> {
  const file = path.join(dir, 'stored.bin');
  await writeFile(file, content);
  const ends = await openDownloadPipe(dir);
  const writer = spawn('cat', [file], { stdio: ['ignore', ends.childEnd, 'inherit'] });
  await closeFd(ends.childEnd);
  const socket = readDownloadPipe(ends.ourEnd, consumer);
  await Promise.all([once(writer, 'close'), once(socket, 'close')]);
}

describe.skipIf(process.platform !== 'linux')('the download pipe reader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ibc-download-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('reads into a slab again once its consumer is done with every piece of it', async () => {
    const content = randomBytes(40 * 1024 * 1024 + 9);
    const copies: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    // A restore's chunk reader: copies each piece, then reports it done.
    const consumer = new Writable({
      write(piece: Buffer, _encoding, callback) {
        copies.push(Buffer.from(piece));
        memory.add(piece.buffer);
        doneWith(piece);
        callback();
      },
    });
    await download(dir, content, consumer);
    expect(Buffer.concat(copies).equals(content)).toBe(true);
    // 40 MiB through 4 MiB slabs: without reuse, at least 10 of them.
    expect(memory.size).toBeLessThanOrEqual(4);
  });

  it('never reads into a slab whose pieces a consumer still holds', async () => {
    const content = randomBytes(20 * 1024 * 1024 + 9);
    const held: Buffer[] = [];
    const consumer = new Writable({
      write(piece: Buffer, _encoding, callback) {
        held.push(piece);
        callback();
      },
    });
    await download(dir, content, consumer);
    expect(Buffer.concat(held).equals(content)).toBe(true);
  });
});
