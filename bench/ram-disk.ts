/**
 * Where benchmark data lives: a tmpfs when one can be mounted (root), so both
 * sides of a comparison write to memory and the kernel's writeback of
 * gigabytes of dirty pages to the VM's disk — which starts mid-run and lands
 * on whichever leg happens to run third — stays out of the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mountTmpfs } from '../test/support/tmpfs';

export interface BenchArea {
  path: string;
  /** What backs `path`, printed with the figures. */
  description: string;
  release(): Promise<void>;
}

export async function benchArea(sizeMiB: number): Promise<BenchArea> {
  const mounted = await mountTmpfs(sizeMiB);
  if ('path' in mounted) return { path: mounted.path, description: `tmpfs (${sizeMiB} MiB)`, release: () => mounted.unmount() };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ibc-bench-'));
  return {
    path: dir,
    description: `${os.tmpdir()} on disk — ${mounted.skipReason}; disk writeback makes these figures noisier`,
    release: () => rm(dir, { recursive: true, force: true }),
  };
}
