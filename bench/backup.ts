/**
 * Backup, verify and restore of 1 GiB (random: nothing compresses), each leg
 * in its own process, interleaved, best and median, wall time and CPU per GiB
 * from /proc — client (the engine or smbclient process and its children) and
 * server (smbd's process tree):
 *  - engine backup → loopback Samba vs raw `smbclient put <file>` (goal:
 *    client CPU ≤ 2.5× the raw put's), and keyless verify over SMB (goal
 *    ≤ 1.0 client core-s/GiB);
 *  - restore vs backup, local folder (goal: restore at least as fast, and
 *    at no more CPU), keyless verify of the same folder (hashing without the
 *    SMB download), and what a fresh engine process costs before any byte;
 *  - `backup list` with 1 and 100 backups on the share.
 * Data and share live on a tmpfs where one can be mounted (ram-disk.ts).
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startSamba, type SambaServer } from '../test/support/samba';
import { testCertificate } from '../test/support/backup-fixtures';
import { commandLeg, configureEngine, engineChild } from './engine-setup';
import { best, describeLeg, interleaved, measured, medianOf, type Measured } from './measure';
import { benchArea } from './ram-disk';
import { rawSmbclientPut, writeRandomFile } from './share';

const GiB = 1024 ** 3;
/** The CLI as an operator starts it, beside the built bench (out/main/bench.js). */
const CLI = path.join(path.dirname(process.argv[1]!), '..', '..', 'bin', 'infra-backup.js');
const RUNS = 3;

async function smbdPid(server: SambaServer): Promise<number> {
  return Number((await readFile(path.join(server.rootDir, 'pid', 'smbd.pid'), 'utf8')).trim());
}

/** The newest backup folder's name under MASBackup (the one a leg just wrote). */
async function newestBackup(masBackup: string): Promise<string | undefined> {
  return (await readdir(masBackup))
    .filter((name) => /^\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(name))
    .sort()
    .pop();
}

async function benchSmb(area: string, work: string, file: string, rows: string[]): Promise<void> {
  const server = await startSamba({ sharePath: path.join(area, 'share') });
  try {
    const pid = await smbdPid(server);
    const config = path.join(work, 'config-smb');
    await configureEngine(
      config,
      { unc: server.uncPath, username: `${server.workgroup}\\${server.username}`, password: server.password, port: server.port },
      path.dirname(file),
    );
    // One backup stays on the share for the verify legs; each backup leg removes the one it wrote.
    await engineChild([config, 'backup']);
    const masBackup = path.join(server.shareDir, 'MASBackup');
    const kept = await newestBackup(masBackup);
    const runs = await interleaved(
      {
        raw: async () => {
          const leg = await measured(() => rawSmbclientPut(server, work, file, 'raw.bin', false), pid);
          await rm(path.join(server.shareDir, 'raw.bin'), { force: true });
          return leg;
        },
        backup: async () => {
          const leg = await engineChild([config, 'backup'], pid);
          const written = await newestBackup(masBackup);
          if (written && written !== kept) await rm(path.join(masBackup, written), { recursive: true, force: true });
          return leg;
        },
        verify: () => engineChild([config, 'verify'], pid),
      },
      RUNS,
    );
    const ratio = (pick: (m: Measured) => number): string =>
      `${(pick(best(runs.backup)) / pick(best(runs.raw))).toFixed(2)} (median ${(medianOf(runs.backup, pick) / medianOf(runs.raw, pick)).toFixed(2)})`;
    rows.push(`1 GiB → loopback Samba (SMB3, encryption desired):`);
    rows.push(`  raw smbclient put <file>:  ${describeLeg(runs.raw, 1, true)}`);
    rows.push(`  engine backup:             ${describeLeg(runs.backup, 1, true)}`);
    rows.push(`  backup / raw put: client CPU ${ratio((m) => m.clientCpu)} (goal ≤ 2.5), wall ${ratio((m) => m.seconds)}`);
    rows.push(`  keyless verify:            ${describeLeg(runs.verify, 1, true)} (goal: client ≤ 1.0 core-s/GiB)`);

    // backup list, 1 and 100 backups: copies of the kept one under fresh ids (listing reads manifests, not data);
    // the engine in a bench child (the listing itself), and the CLI as an operator runs it (a fresh process from bin/).
    const listLegs = {
      list: () => engineChild([config, 'list'], pid),
      cli: () => commandLeg(process.execPath, [CLI, '--config-dir', config, 'backup', 'list'], process.env, pid),
    };
    const list1 = await interleaved(listLegs, RUNS);
    const manifest = await readFile(path.join(masBackup, kept!, 'manifest.json'), 'utf8');
    for (let i = 0; i < 99; i++) {
      const id = `20200101T${String(i).padStart(6, '0')}Z-${String(i).padStart(6, '0')}`;
      await mkdir(path.join(masBackup, id));
      await writeFile(path.join(masBackup, id, 'manifest.json'), manifest.replaceAll(kept!, id));
    }
    const list100 = await interleaved(listLegs, RUNS);
    rows.push(
      `backup list, fresh process: 1 backup ${describeListing(list1.list)}; 100 backups ${describeListing(list100.list)} (goal < 0.5 s at 100)`,
    );
    rows.push(
      `  infra-backup backup list (bin/, stdin closed): 1 backup ${describeListing(list1.cli)}, client CPU ${describeCpu(list1.cli)}; 100 backups ${describeListing(list100.cli)}, client CPU ${describeCpu(list100.cli)}`,
    );
  } finally {
    await server.stop();
  }
}

function describeCpu(runs: Measured[]): string {
  return `${best(runs).clientCpu.toFixed(2)} (median ${medianOf(runs, (m) => m.clientCpu).toFixed(2)}) core-s`;
}

function describeListing(runs: Measured[]): string {
  return `best ${best(runs).seconds.toFixed(2)} s, median ${medianOf(runs, (m) => m.seconds).toFixed(2)} s`;
}

async function benchLocal(work: string, file: string, rows: string[]): Promise<void> {
  const config = path.join(work, 'config-local');
  const store = path.join(work, 'store-local');
  await configureEngine(config, { path: store }, path.dirname(file));
  await engineChild([config, 'backup']);
  const masBackup = path.join(store, 'MASBackup');
  const kept = await newestBackup(masBackup);
  const pfx = path.join(work, 'key.pfx');
  await writeFile(pfx, testCertificate().pfxDer);
  const target = path.join(work, 'restored');
  // The restore leg restores the newest backup: keep only the first one between legs.
  const runs = await interleaved(
    {
      backup: async () => {
        const leg = await engineChild([config, 'backup']);
        const written = await newestBackup(masBackup);
        if (written && written !== kept) await rm(path.join(masBackup, written), { recursive: true, force: true });
        return leg;
      },
      restore: async () => {
        const leg = await engineChild([config, 'restore', target, pfx]);
        await rm(target, { recursive: true, force: true });
        return leg;
      },
      verify: () => engineChild([config, 'verify']),
      // What every leg pays before its first byte: a fresh process, the engine, the catalog.
      list: () => engineChild([config, 'list']),
    },
    RUNS,
  );
  rows.push(`1 GiB, local folder:`);
  rows.push(`  engine backup:  ${describeLeg(runs.backup, 1)}`);
  rows.push(`  engine restore: ${describeLeg(runs.restore, 1)}`);
  rows.push(`  keyless verify: ${describeLeg(runs.verify, 1)} (goal ≤ 1.0 core-s/GiB)`);
  rows.push(
    `  fixed cost of a fresh engine process (backup list, in every figure above): client CPU ${best(runs.list).clientCpu.toFixed(2)} (median ${medianOf(runs.list, (m) => m.clientCpu).toFixed(2)}) core-s`,
  );
  rows.push(
    `  restore speed / backup speed: best ${(best(runs.backup).seconds / best(runs.restore).seconds).toFixed(2)}, median ${(medianOf(runs.backup, (m) => m.seconds) / medianOf(runs.restore, (m) => m.seconds)).toFixed(2)} (goal ≥ 1.0)`,
  );
  rows.push(
    `  restore CPU / backup CPU: best ${(best(runs.restore).clientCpu / best(runs.backup).clientCpu).toFixed(2)}, median ${(medianOf(runs.restore, (m) => m.clientCpu) / medianOf(runs.backup, (m) => m.clientCpu)).toFixed(2)} (goal ≤ 1.0)`,
  );
  const rss = (legs: Array<{ result: { maxRssBytes: number } }>): string =>
    `${(Math.max(...legs.map((leg) => leg.result.maxRssBytes)) / 2 ** 20).toFixed(0)} MB`;
  rows.push(`  peak RSS: backup ${rss(runs.backup)}, restore ${rss(runs.restore)}, verify ${rss(runs.verify)}`);
}

/** `local`: only the local-folder legs (`npm run bench -- backup:local`), a quicker loop while working on the pipeline. */
export async function benchBackup(scope: 'all' | 'local' = 'all'): Promise<void> {
  const ram = await benchArea(6 * 1024);
  const rows: string[] = [];
  try {
    const work = path.join(ram.path, 'work');
    await mkdir(path.join(work, 'source'), { recursive: true });
    const file = path.join(work, 'source', 'random.bin');
    await writeRandomFile(file, GiB);
    if (scope === 'all') {
      await benchSmb(ram.path, work, file, rows);
      await rm(path.join(ram.path, 'share'), { recursive: true, force: true });
    }
    await benchLocal(work, file, rows);
  } finally {
    await ram.release();
  }
  console.log(`backup, verify, restore of 1 GiB (data on ${ram.description}; ${RUNS} interleaved runs each; CPU in core-seconds per GiB):`);
  for (const row of rows) console.log(`  ${row}`);
}
