import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Codes Windows gives for a folder that still holds a file some handle keeps open (a log stream, a worker). */
const HELD_OPEN = new Set(['ENOTEMPTY', 'EBUSY', 'EPERM']);

export async function makeTempDir(prefix = 'ibc-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    remove: async () => {
      try {
        await rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch (error) {
        // Windows cannot remove an open file: under the Wine lane a temp folder whose log file is
        // still open is left to the system's temp cleanup rather than failing the test that used it.
        if (process.platform !== 'win32' || !HELD_OPEN.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
    },
  };
}
