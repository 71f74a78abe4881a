/**
 * Backup throughput and memory, each figure side by side with its baseline in
 * one run (issue 5): engine backup to loopback Samba vs raw `smbclient put`;
 * engine backup to a local folder vs `restic backup`; compressible JSON;
 * peak RSS of a 1 GiB and a 4 GiB backup (each in its own process); restore
 * vs backup throughput.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../main/engine/service';
import { createLogger } from '../main/engine/app/logger';
import { startSamba } from '../test/support/samba';
import { testCertificate } from '../test/support/backup-fixtures';
import { median, timed } from './measure';
import { benchArea } from './ram-disk';
import { rawSmbclientPut, writeRandomFile } from './share';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const SMB_RUNS = 3;

interface ChildResult {
  seconds: number;
  bytes: number;
  maxRssBytes: number;
}

/** Runs one backup/restore in a fresh process (out/main/bench.js --child …). */
function child(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [process.argv[1]!, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`child exited ${code}`)),
    );
  });
}

async function configure(
  configDir: string,
  location: { path: string } | { unc: string; username: string; password: string; port: number },
  source: string,
): Promise<void> {
  const engine = createEngine({ configDir, version: 'bench', frontDoor: 'cli', logger: createLogger({ level: 'error' }) });
  const certificateBase64 = testCertificate().cerDer.toString('base64');
  if ('path' in location) await engine.saveSettings({ location: location.path, certificateBase64, automaticBackups: false });
  else
    await engine.saveSettings({
      location: location.unc,
      username: location.username,
      password: location.password,
      passwordConfirm: location.password,
      smbPort: location.port,
      certificateBase64,
      automaticBackups: false,
    });
  await engine.addSource({ name: 'data', folder: source });
  await engine.close();
}

async function writeJsonLines(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    let written = 0;
    let i = 0;
    while (written < bytes) {
      const lines: string[] = [];
      for (let n = 0; n < 4000; n++, i++) {
        lines.push(
          JSON.stringify({
            subscriptionId: `${(i * 2654435761) >>> 0}-4f1c-9a2b-${i.toString(16).padStart(12, '0')}`,
            displayName: `tenant-${i % 977}-subscription`,
            offer: `offer-${i % 13}`,
            quotas: { cores: (i % 64) * 8, vms: i % 200, storageGiB: (i % 50) * 100 },
            state: i % 17 === 0 ? 'Disabled' : 'Enabled',
            rbac: [{ role: 'Owner', principal: `user${i % 5000}@contoso.com` }],
          }),
        );
      }
      const block = lines.join('\n') + '\n';
      await handle.write(block);
      written += Buffer.byteLength(block);
    }
  } finally {
    await handle.close();
  }
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  return total;
}

const rate = (bytes: number, seconds: number): string => `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;

/**
 * Raw smbclient put vs engine backup of the same 1 GiB, interleaved, best of
 * SMB_RUNS each, with the source and the share's folder under `dataDir`.
 */
async function compareOnSamba(
  work: string,
  dataDir: string,
  storage: string,
  sourceFile: string,
): Promise<{ row: string; best: ChildResult }> {
  const server = await startSamba({ sharePath: path.join(dataDir, 'share') });
  try {
    const sourceDir = path.join(dataDir, 'source');
    await mkdir(sourceDir, { recursive: true });
    const file = path.join(sourceDir, 'random.bin');
    await copyFile(sourceFile, file);
    const config = path.join(dataDir, 'config-smb');
    await configure(
      config,
      { unc: server.uncPath, username: `${server.workgroup}\\${server.username}`, password: server.password, port: server.port },
      sourceDir,
    );
    const rawRuns: number[] = [];
    const engineRuns: ChildResult[] = [];
    for (let run = 0; run < SMB_RUNS; run++) {
      const raw = async (): Promise<void> => {
        rawRuns.push(await timed(() => rawSmbclientPut(server, work, file, 'raw.bin', false)));
        await rm(path.join(server.shareDir, 'raw.bin'), { force: true });
      };
      const engine = async (): Promise<void> => {
        engineRuns.push(await child([config, 'backup']));
        await rm(path.join(server.shareDir, 'MASBackup'), { recursive: true, force: true });
      };
      // Alternate which goes first, so neither always runs on a rested machine.
      if (run % 2 === 0) await raw().then(engine);
      else await engine().then(raw);
    }
    const rawBest = Math.min(...rawRuns) / 1000;
    const best = engineRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const ofMedians = median(rawRuns) / 1000 / median(engineRuns.map((r) => r.seconds));
    return {
      best,
      row: `1 GiB random → loopback Samba, data on ${storage}, best of ${SMB_RUNS}: raw smbclient put ${rate(GiB, rawBest)}, engine backup ${rate(GiB, best.seconds)}; ratio ${(rawBest / best.seconds).toFixed(2)}, of medians ${ofMedians.toFixed(2)} (goal ≥ 0.5)`,
    };
  } finally {
    await server.stop();
    await rm(path.join(dataDir, 'source'), { recursive: true, force: true });
  }
}

export async function benchBackup(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'ibc-bench-backup-'));
  const ram = await benchArea(4 * 1024);
  const rows: string[] = [];
  try {
    const source = path.join(work, 'source-1g');
    await mkdir(source);
    const file = path.join(source, 'random.bin');
    await writeRandomFile(file, GiB);
    const pfx = path.join(work, 'key.pfx');
    await writeFile(pfx, testCertificate().pfxDer);

    // 1. Samba, twice: share and source in memory (the client side is all
    //    that differs, so the harshest comparison — ram-disk.ts), and on
    //    this machine's disk, as a real share's server would store them.
    const inMemory = await compareOnSamba(work, ram.path, ram.description, file);
    rows.push(inMemory.row);
    // Its own folder: smbd serves it as an unprivileged user, and `work` is 0700.
    const diskDir = await mkdtemp(path.join(os.tmpdir(), 'ibc-bench-samba-'));
    try {
      await chmod(diskDir, 0o755);
      rows.push((await compareOnSamba(work, diskDir, `${os.tmpdir()} on disk`, file)).row);
    } finally {
      await rm(diskDir, { recursive: true, force: true });
    }
    const smb = inMemory.best;

    // 2. Local folder: engine backup vs restic backup of the same folder.
    const localConfig = path.join(work, 'config-local');
    await configure(localConfig, { path: path.join(work, 'store-local') }, source);
    const local = await child([localConfig, 'backup']);
    const repo = path.join(work, 'restic-repo');
    const env = { ...process.env, RESTIC_PASSWORD: 'bench-only', RESTIC_CACHE_DIR: path.join(work, 'restic-cache') };
    spawnSync('restic', ['init', '--repo', repo], { env, stdio: 'ignore' });
    const resticMs = await timed(async () => {
      const run = spawnSync('restic', ['-r', repo, 'backup', '--quiet', source], { env, stdio: 'ignore' });
      if (run.status !== 0) throw new Error('restic backup failed');
    });
    rows.push(
      `1 GiB random → local folder: engine ${rate(GiB, local.seconds)}, restic ${rate(GiB, resticMs / 1000)}; ratio ${(resticMs / 1000 / local.seconds).toFixed(2)} (goal ≥ 1.5)`,
    );
    await rm(repo, { recursive: true, force: true });

    // 5. Restore vs backup throughput (same 1 GiB, local folder).
    const restored = await child([localConfig, 'restore', path.join(work, 'restored'), pfx]);
    rows.push(
      `restore 1 GiB from local folder: ${rate(GiB, restored.seconds)} vs backup ${rate(GiB, local.seconds)}; restore/backup ${(local.seconds / restored.seconds).toFixed(2)}`,
    );
    await rm(path.join(work, 'restored'), { recursive: true, force: true });
    rows.push(
      `peak RSS, 1 GiB backup: ${(local.maxRssBytes / MiB).toFixed(0)} MB (Samba run: ${(smb.maxRssBytes / MiB).toFixed(0)} MB; restore: ${(restored.maxRssBytes / MiB).toFixed(0)} MB)`,
    );
    await rm(path.join(work, 'store-local'), { recursive: true, force: true });

    // 3. Compressible JSON.
    const jsonSource = path.join(work, 'source-json');
    await mkdir(jsonSource);
    await writeJsonLines(path.join(jsonSource, 'subscriptions.jsonl'), GiB);
    const jsonConfig = path.join(work, 'config-json');
    await configure(jsonConfig, { path: path.join(work, 'store-json') }, jsonSource);
    const json = await child([jsonConfig, 'backup']);
    const stored = await sizeOf(path.join(work, 'store-json'));
    rows.push(
      `1 GiB JSON → local folder: ${rate(GiB, json.seconds)} of source; stored ${(stored / MiB).toFixed(0)} MiB (${((stored / GiB) * 100).toFixed(1)} %)`,
    );
    await rm(jsonSource, { recursive: true, force: true });
    await rm(path.join(work, 'store-json'), { recursive: true, force: true });

    // 4. Peak RSS does not grow with size: 4 GiB.
    await rm(file);
    const big = path.join(work, 'source-4g');
    await mkdir(big);
    await writeRandomFile(path.join(big, 'random.bin'), 4 * GiB);
    const bigConfig = path.join(work, 'config-4g');
    await configure(bigConfig, { path: path.join(work, 'store-4g') }, big);
    const four = await child([bigConfig, 'backup']);
    rows.push(
      `peak RSS, 4 GiB backup: ${(four.maxRssBytes / MiB).toFixed(0)} MB at ${rate(4 * GiB, four.seconds)} (goal < 200 MB, independent of size)`,
    );
  } finally {
    await ram.release();
    await rm(work, { recursive: true, force: true });
  }
  console.log('backup benchmarks (one run, side by side):');
  for (const row of rows) console.log(`  ${row}`);
}
