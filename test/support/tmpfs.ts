/**
 * A small tmpfs for disk-full tests. Mounting needs root (or CAP_SYS_ADMIN);
 * where it fails, `mountTmpfs` resolves with the reason so the test can skip
 * and say why instead of failing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from './samba';

export interface MountedTmpfs {
  path: string;
  unmount(): Promise<void>;
}

export async function mountTmpfs(sizeMiB: number): Promise<MountedTmpfs | { skipReason: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ibc-tmpfs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return { skipReason: `cannot mount a tmpfs here (${error instanceof Error ? error.message : String(error)})` };
  }
  return {
    path: dir,
    async unmount() {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
