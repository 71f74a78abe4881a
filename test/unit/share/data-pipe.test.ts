import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeFd, createUploadFifo, enlargePipe, openDownloadPipe, PIPE_CAPACITY } from '../../../main/engine/share/data-pipe';

/** The pipe's capacity as the kernel reports it (F_GETPIPE_SZ), read through a child holding the fd. */
function pipeCapacity(fd: number): number {
  const result = spawnSync('perl', ['-e', 'print fcntl(STDIN, 1032, 0)'], { stdio: [fd, 'pipe', 'inherit'] });
  return Number(result.stdout.toString());
}

describe.skipIf(process.platform !== 'linux')('data pipe to smbclient', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ibc-pipe-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is a real pipe enlarged to 1 MiB, and leaves no FIFO behind', async () => {
    const ends = await openDownloadPipe(dir);
    try {
      expect(pipeCapacity(ends.ourEnd)).toBe(PIPE_CAPACITY);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await closeFd(ends.childEnd);
      await closeFd(ends.ourEnd);
    }
  });

  it('reports false and leaves the pipe as it was when perl is missing', async () => {
    const ends = await openDownloadPipe(dir);
    try {
      const before = pipeCapacity(ends.ourEnd);
      await expect(enlargePipe(ends.ourEnd, path.join(dir, 'no-such-perl'))).resolves.toBe(false);
      expect(pipeCapacity(ends.ourEnd)).toBe(before);
    } finally {
      await closeFd(ends.childEnd);
      await closeFd(ends.ourEnd);
    }
  });

  it('opens the upload FIFO only once a reader has it, enlarged, and delivers every byte', async () => {
    const fifo = await createUploadFifo(dir);
    let opened = false;
    void fifo.opened.then(() => (opened = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(opened).toBe(false); // no reader yet: writing now would lose the data with the pipe
    const reader = spawn('sh', ['-c', 'wc -c < "$0"', fifo.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let counted = '';
    reader.stdout.on('data', (chunk: Buffer) => (counted += chunk.toString()));
    const fd = await fifo.opened;
    expect(pipeCapacity(fd)).toBe(PIPE_CAPACITY);
    const { writeSync } = await import('node:fs');
    writeSync(fd, Buffer.alloc(3000, 1));
    await closeFd(fd);
    await new Promise((resolve) => reader.once('close', resolve));
    expect(counted.trim()).toBe('3000');
    await fifo.abandon(); // after a completed upload: harmless
  });

  it('abandoning an upload smbclient never opened releases the waiting open', async () => {
    const fifo = await createUploadFifo(dir);
    await fifo.abandon();
    await expect(fifo.opened).rejects.toThrow(/abandoned/);
  });
});
