import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { DOWNLOAD_PIECE_BYTES } from '../../../main/engine/share/download-reader';
import { doneWith } from '../../../main/engine/share/lent-buffers';
import { LocalShare } from '../../../main/engine/share/local-share';
import { makeTempDir } from '../../support/temp-dir';

// Verify and restore consume what readStream hands on: from a local folder as from SMB, pieces of
// DOWNLOAD_PIECE_BYTES rather than Node's 64 KiB (a keyless verify's CPU, README § Performance).
describe('the local driver reads a stored file', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => temp.remove());

  it('in pieces of DOWNLOAD_PIECE_BYTES, the last one what remains', async () => {
    const content = Buffer.alloc(2 * DOWNLOAD_PIECE_BYTES + 5, 7);
    await writeFile(join(temp.path, 'component.bin'), content);
    const stream = await new LocalShare(temp.path).readStream('component.bin', NO_CANCEL);
    const sizes: number[] = [];
    for await (const piece of stream) sizes.push((piece as Buffer).length);
    expect(sizes).toEqual([DOWNLOAD_PIECE_BYTES, DOWNLOAD_PIECE_BYTES, 5]);
  });

  it('reads into a piece again once its consumer is done with it, and never into one it still holds', async () => {
    const content = Buffer.alloc(12 * DOWNLOAD_PIECE_BYTES + 5);
    for (let i = 0; i < content.length; i += 4096) content.writeUInt32BE(i, i);
    await writeFile(join(temp.path, 'component.bin'), content);
    const share = new LocalShare(temp.path);

    // A restore's chunk reader: copies each piece, then reports it done.
    const copies: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    for await (const piece of await share.readStream('component.bin', NO_CANCEL)) {
      copies.push(Buffer.from(piece as Buffer));
      memory.add((piece as Buffer).buffer);
      doneWith(piece as Buffer);
    }
    expect(Buffer.concat(copies).equals(content)).toBe(true);
    expect(memory.size).toBeLessThanOrEqual(3);

    // A consumer that reports nothing keeps every piece it was given, intact.
    const held: Buffer[] = [];
    for await (const piece of await share.readStream('component.bin', NO_CANCEL)) held.push(piece as Buffer);
    expect(new Set(held.map((piece) => piece.buffer)).size).toBe(held.length);
    expect(Buffer.concat(held).equals(content)).toBe(true);
  });
});
