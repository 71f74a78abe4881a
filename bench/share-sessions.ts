/**
 * What a backup costs in smbclient sessions, and what a keyless verify costs
 * in client CPU (issue 13), each beside its baseline, interleaved:
 * - smbclient processes per backup of a small folder (counted through a
 *   logging `smbclient` first on the PATH of the backup's own process);
 * - a job's small operations (lock checks, listings, renames, deletes, free
 *   space) through one long-lived smbclient vs a new one per operation;
 * - reading a 1 GiB backup file with SHA-256, as verify without the key does:
 *   wall time and client CPU (the console's and its smbclient's) per GiB,
 *   against raw `smbclient get <file> /dev/null`.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../main/engine/app/logger';
import { createEngine } from '../main/engine/service';
import { NO_CANCEL } from '../main/engine/share/abort';
import { SmbShare, type SmbShareOptions } from '../main/engine/share/smb-share';
import { makeSourceTree, testCertificate } from '../test/support/backup-fixtures';
import { shareSettingsFor, type SambaServer } from '../test/support/samba';
import { withBenchSamba, withRawSmbclient } from './bench-samba';
import { median } from './measure';
import { rawSmbclientPut, writeRandomFile } from './share';
import type { ShareChildRequest, ShareChildResult } from './share-child';

const GiB = 1024 ** 3;
const RUNS = 3;
const SMALL_OPERATION_ROUNDS = 10;

export async function benchShareSessions(): Promise<void> {
  await withBenchSamba(3 * 1024, async ({ server, work, shareOptions, areaDescription }) => {
    const options: SmbShareOptions = { ...shareOptions, configDir: path.join(work, 'config') };
    await sessionsPerBackup(server, work);
    await smallOperations(options);
    await keylessVerifyRead(server, options, work, areaDescription);
  });
}

async function sessionsPerBackup(server: SambaServer, work: string): Promise<void> {
  const configDir = path.join(work, 'backup-config');
  const source = path.join(work, 'source');
  await makeSourceTree(source, 4 * 1024 * 1024);
  const engine = createEngine({ configDir, version: 'bench', frontDoor: 'cli', logger: createLogger({ level: 'error' }) });
  await engine.saveSettings({
    ...shareSettingsFor(server, 'sessions'),
    certificateBase64: testCertificate().cerDer.toString('base64'),
    automaticBackups: false,
  });
  await engine.addSource({ name: 'data', folder: source });
  await engine.close();

  const wrappers = path.join(work, 'smbclient-log');
  await mkdir(wrappers);
  const log = path.join(work, 'smbclient.log');
  const real = (await which('smbclient')) ?? '/usr/bin/smbclient';
  await writeFile(path.join(wrappers, 'smbclient'), `#!/bin/sh\necho started >> "$IBC_SMBCLIENT_LOG"\nexec ${real} "$@"\n`);
  await chmod(path.join(wrappers, 'smbclient'), 0o755);
  const counts: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await writeFile(log, '');
    await runNode(['--child', configDir, 'backup'], { PATH: `${wrappers}:${process.env.PATH ?? ''}`, IBC_SMBCLIENT_LOG: log });
    counts.push((await readFile(log, 'utf8')).split('\n').filter(Boolean).length);
  }
  console.log(`smbclient processes per backup of a small folder (one component), ${RUNS} backups in a row: ${counts.join(', ')}`);

  // backup list at 100 backups: copies of the newest under fresh ids (a listing reads manifests, not data).
  const masBackup = path.join(server.shareDir, 'sessions', 'MASBackup');
  const kept = (await readdir(masBackup)).filter((name) => /^\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(name)).sort();
  const newest = kept.at(-1)!;
  const manifest = await readFile(path.join(masBackup, newest, 'manifest.json'), 'utf8');
  for (let i = kept.length; i < 100; i++) {
    const id = `20200101T${String(i).padStart(6, '0')}Z-${String(i).padStart(6, '0')}`;
    await mkdir(path.join(masBackup, id));
    await writeFile(path.join(masBackup, id, 'manifest.json'), manifest.replaceAll(newest, id));
  }
  const lists: number[] = [];
  const seconds: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await writeFile(log, '');
    const child = JSON.parse(
      await runNode(['--child', configDir, 'list'], { PATH: `${wrappers}:${process.env.PATH ?? ''}`, IBC_SMBCLIENT_LOG: log }),
    ) as { seconds: number; bytes: number };
    if (child.bytes !== 100) throw new Error(`backup list saw ${child.bytes} backups, not 100`);
    seconds.push(child.seconds);
    lists.push((await readFile(log, 'utf8')).split('\n').filter(Boolean).length);
  }
  console.log(
    `backup list with 100 backups on the share, fresh process, ${RUNS} in a row (the first after 97 appeared): smbclient processes ${lists.join(', ')}; listing (after the process started) ${seconds.map((value) => value.toFixed(2)).join(', ')} s`,
  );
}

async function smallOperations(shareOptions: SmbShareOptions): Promise<void> {
  const times: Record<'session' | 'per-operation', number[]> = { session: [], 'per-operation': [] };
  const spawns: Record<'session' | 'per-operation', number> = { session: 0, 'per-operation': 0 };
  for (let run = 0; run < RUNS; run++) {
    for (const mode of run % 2 ? (['per-operation', 'session'] as const) : (['session', 'per-operation'] as const)) {
      let spawned = 0;
      const share = new SmbShare({
        ...shareOptions,
        folder: `small-${mode}-${run}`,
        oneSessionPerOperation: mode === 'per-operation',
        spawn: (command, args, options) => {
          spawned++;
          return spawn(command, [...args], options);
        },
      });
      const started = performance.now();
      await share.mkdirp('MASBackup/a', NO_CANCEL);
      for (let round = 0; round < SMALL_OPERATION_ROUNDS; round++) {
        await share.stat('MASBackup/.lock', NO_CANCEL);
        await share.list('MASBackup', NO_CANCEL);
        await share.rename('MASBackup/a', 'MASBackup/b', NO_CANCEL);
        await share.rename('MASBackup/b', 'MASBackup/a', NO_CANCEL);
        await share.deleteTree('MASBackup/.lock.hb.gone', NO_CANCEL);
      }
      await share.freeSpace(NO_CANCEL);
      times[mode].push(performance.now() - started);
      await share.close();
      spawns[mode] = spawned;
    }
  }
  const operations = 2 + SMALL_OPERATION_ROUNDS * 5;
  console.log(`a job's small operations (${operations}: stat, list, rename, delete, free space), ${RUNS} interleaved runs each:`);
  for (const mode of ['session', 'per-operation'] as const) {
    console.log(
      `  ${mode === 'session' ? 'one smbclient session' : 'one smbclient per operation'}: ${spawns[mode]} smbclient processes; best ${(Math.min(...times[mode]) / operations).toFixed(1)} ms, median ${(median(times[mode]) / operations).toFixed(1)} ms per operation`,
    );
  }
}

async function keylessVerifyRead(server: SambaServer, shareOptions: SmbShareOptions, work: string, where: string): Promise<void> {
  const file = path.join(work, 'component.bin');
  await writeRandomFile(file, GiB);
  await rawSmbclientPut(server, work, file, 'component.bin', false);
  await rm(file);
  const raw: Array<{ ms: number; cpu: number }> = [];
  const driver: Array<{ ms: number; own: number; smbclient: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    const legs = [
      async () => raw.push(await rawSmbclientGet(server, work, 'component.bin')),
      async () => {
        const request: ShareChildRequest = { mode: 'verify-read', share: shareOptions, name: 'component.bin' };
        const result = JSON.parse(await runNode(['--share-child'], { IBC_BENCH_SHARE: JSON.stringify(request) })) as ShareChildResult;
        driver.push({ ms: result.ms, own: result.cpuSeconds?.own ?? NaN, smbclient: result.cpuSeconds?.smbclient ?? NaN });
      },
    ];
    for (const leg of run % 2 ? legs.reverse() : legs) await leg();
  }
  const best = <T>(values: T[], key: (value: T) => number): number => Math.min(...values.map(key));
  const mid = <T>(values: T[], key: (value: T) => number): number => median(values.map(key));
  console.log(`keyless verify read, 1 GiB from loopback smbd (SMB3, encryption desired), ${RUNS} interleaved runs; data on ${where}:`);
  console.log(
    `  raw smbclient get <file> /dev/null: best ${(best(raw, (r) => r.ms) / 1000).toFixed(2)} s; client CPU best ${best(raw, (r) => r.cpu).toFixed(2)}, median ${mid(raw, (r) => r.cpu).toFixed(2)} core-s/GiB`,
  );
  console.log(
    `  driver readStream + SHA-256:        best ${(best(driver, (r) => r.ms) / 1000).toFixed(2)} s; client CPU best ${best(driver, (r) => r.own + r.smbclient).toFixed(2)}, median ${mid(driver, (r) => r.own + r.smbclient).toFixed(2)} core-s/GiB (console ${mid(driver, (r) => r.own).toFixed(2)} + smbclient ${mid(driver, (r) => r.smbclient).toFixed(2)}; goal ≤ 1.0)`,
  );
}

/** `smbclient get` of a file to /dev/null; its CPU read by the shell that waited for it (/proc cutime + cstime). */
function rawSmbclientGet(server: SambaServer, work: string, name: string): Promise<{ ms: number; cpu: number }> {
  return withRawSmbclient(server, work, async (smbclientArgs) => {
    const script = 'smbclient "$@" >/dev/null 2>&1 || exit 1; read -r stat < /proc/$$/stat; set -- ${stat##*)}; shift 13; echo "$1 $2"';
    const started = performance.now();
    const output = await runProgram('sh', ['-c', script, 'get', ...smbclientArgs, '-c', `get "${name}" /dev/null`]);
    const ms = performance.now() - started;
    const [user = '0', system = '0'] = output.trim().split(' ');
    return { ms, cpu: (Number(user) + Number(system)) / 100 };
  });
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return runProgram(process.execPath, [process.argv[1]!, ...args], { ...process.env, ...env });
}

function runProgram(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`${command} exited ${code}`)),
    );
  });
}

async function which(program: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, program);
    if (
      await readFile(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}
