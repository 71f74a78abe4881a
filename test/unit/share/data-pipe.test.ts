import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeFd, enlargePipe, openDataPipe, PIPE_CAPACITY } from '../../../main/engine/share/data-pipe';

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
    const ends = await openDataPipe(dir, 'to-child');
    try {
      expect(pipeCapacity(ends.childEnd)).toBe(PIPE_CAPACITY);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await closeFd(ends.childEnd);
      await closeFd(ends.ourEnd);
    }
  });

  it('reports false and leaves the pipe as it was when perl is missing', async () => {
    const ends = await openDataPipe(dir, 'from-child');
    try {
      const before = pipeCapacity(ends.ourEnd);
      await expect(enlargePipe(ends.ourEnd, path.join(dir, 'no-such-perl'))).resolves.toBe(false);
      expect(pipeCapacity(ends.ourEnd)).toBe(before);
    } finally {
      await closeFd(ends.childEnd);
      await closeFd(ends.ourEnd);
    }
  });
});
