/**
 * Many small files (issue 13): 10,000 and 100,000 files of 4 KiB (random,
 * so neither side compresses) to a local folder, engine backup vs `restic
 * backup` of the same folder into a fresh repository, interleaved; and the
 * engine's peak RSS with 100,000 and 1,000,000 files in one folder.
 * Everything on a tmpfs where one can be mounted (ram-disk.ts).
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { commandLeg, configureEngine, engineChild } from './engine-setup';
import { best, interleaved, medianOf, type Measured } from './measure';
import { benchArea } from './ram-disk';

const RUNS = 3;

/** `count` files of `bytes` random bytes each in one folder, written synchronously (fastest from here). */
function makeFiles(dir: string, count: number, bytes: number): void {
  mkdirSync(dir, { recursive: true });
  const content = Buffer.alloc(bytes);
  for (let i = 0; i < count; i++) {
    // Every file its own random bytes: slices of one pool compress (pathologically slowly, at gzip level 1).
    randomFillSync(content);
    writeFileSync(path.join(dir, `f${String(i).padStart(7, '0')}.dat`), content);
  }
}

async function compareWithRestic(area: string, files: number): Promise<{ row: string; engineBest: Measured }> {
  const source = path.join(area, `small-${files}`);
  makeFiles(source, files, 4096);
  const config = path.join(area, `config-small-${files}`);
  const store = path.join(area, `store-small-${files}`);
  await configureEngine(config, { path: store }, source);
  const repo = path.join(area, 'restic-repo');
  const env = { ...process.env, RESTIC_PASSWORD: 'bench-only', RESTIC_CACHE_DIR: path.join(area, 'restic-cache') };
  try {
    const runs = await interleaved(
      {
        engine: async () => {
          const leg = await engineChild([config, 'backup']);
          await rm(store, { recursive: true, force: true });
          return leg;
        },
        restic: async () => {
          await rm(repo, { recursive: true, force: true });
          spawnSync('restic', ['init', '--repo', repo], { env, stdio: 'ignore' });
          const leg = await commandLeg('restic', ['-r', repo, 'backup', '--quiet', source], env);
          await rm(repo, { recursive: true, force: true });
          return leg;
        },
      },
      RUNS,
    );
    const engine = best(runs.engine);
    const restic = best(runs.restic);
    const us = (m: Measured): string => ((m.seconds / files) * 1e6).toFixed(0);
    return {
      engineBest: engine,
      row:
        `${files.toLocaleString('en')} files × 4 KiB → local folder: engine best ${engine.seconds.toFixed(2)} s (${us(engine)} µs/file, ` +
        `client CPU ${((engine.clientCpu / files) * 1e6).toFixed(0)} µs/file), restic best ${restic.seconds.toFixed(2)} s; ` +
        `engine/restic speed ${(restic.seconds / engine.seconds).toFixed(2)}×, of medians ` +
        `${(medianOf(runs.restic, (m) => m.seconds) / medianOf(runs.engine, (m) => m.seconds)).toFixed(2)}× (goal ≥ 1)`,
    };
  } finally {
    await rm(source, { recursive: true, force: true });
    await rm(store, { recursive: true, force: true });
  }
}

async function peakRss(area: string, files: number): Promise<number> {
  const source = path.join(area, `flat-${files}`);
  makeFiles(source, files, 16);
  const config = path.join(area, `config-flat-${files}`);
  const store = path.join(area, `store-flat-${files}`);
  await configureEngine(config, { path: store }, source);
  try {
    return (await engineChild([config, 'backup'])).result.maxRssBytes;
  } finally {
    await rm(source, { recursive: true, force: true });
    await rm(store, { recursive: true, force: true });
  }
}

export async function benchSmallFiles(): Promise<void> {
  const ram = await benchArea(4 * 1024);
  const rows: string[] = [];
  try {
    await mkdir(ram.path, { recursive: true });
    const ten = await compareWithRestic(ram.path, 10_000);
    rows.push(ten.row);
    const hundred = await compareWithRestic(ram.path, 100_000);
    rows.push(hundred.row);
    const per = (m: Measured, n: number): number => m.seconds / n;
    rows.push(
      `linearity: engine wall per file at 100k / at 10k = ${(per(hundred.engineBest, 100_000) / per(ten.engineBest, 10_000)).toFixed(2)} (1.00 = linear)`,
    );
    const at100k = await peakRss(ram.path, 100_000);
    const at1m = await peakRss(ram.path, 1_000_000);
    rows.push(
      `peak RSS, backup of one folder of 100,000 / 1,000,000 files: ${(at100k / 2 ** 20).toFixed(0)} / ${(at1m / 2 ** 20).toFixed(0)} MB (goal < 200 MB, flat)`,
    );
  } finally {
    await ram.release();
  }
  console.log(`small files (data on ${ram.description}; ${RUNS} interleaved runs each, best and median):`);
  for (const row of rows) console.log(`  ${row}`);
}
