/**
 * Share write throughput: the SMB driver's streaming write (a FIFO → smbclient
 * `put`, size check, rename) against raw `smbclient put` of the same 1 GiB
 * file to the same loopback smbd, in one run. Goal: ratio ≥ 0.8.
 * All use SMB3 with encryption when offered (the harness offers it). Each
 * runs five times, interleaved with rotating order; best and median are
 * printed (the machine is a shared VM, so single runs are noisy). The file
 * and the share live on a tmpfs where possible (ram-disk.ts says why). Like
 * each raw smbclient, each driver write runs in a fresh process, timed
 * around `writeStream` (share-child.ts says why). Two baselines are printed: smbclient
 * reading the file itself (it can read a regular file ahead, in parallel),
 * and smbclient reading the same bytes from a pipe (`cat file | smbclient
 * put -`), which is the ceiling for any streaming upload through smbclient,
 * since a stream is never a seekable file.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SmbShareOptions } from '../main/engine/share/smb-share';
import type { ShareChildRequest } from './share-child';
import type { SambaServer } from '../test/support/samba';
import { withBenchSamba, withRawSmbclient } from './bench-samba';
import { median, timed } from './measure';

const FILE_BYTES = 1024 ** 3;
const RUNS = 5;

type Leg = 'raw' | 'piped' | 'driver';

export async function benchShare(): Promise<void> {
  // Source file, share and the three uploads of one round: 4 GiB, plus room.
  await withBenchSamba(5 * 1024, async ({ server, work, shareOptions: options, areaDescription }) => {
    const file = path.join(work, '1GiB.bin');
    await writeRandomFile(file, FILE_BYTES);
    const shareOptions: SmbShareOptions = { ...options, timeoutSeconds: 60 };
    const upload: Record<Leg, (name: string) => Promise<number>> = {
      raw: (name) => timed(() => rawSmbclientPut(server, work, file, name, false)),
      piped: (name) => timed(() => rawSmbclientPut(server, work, file, name, true)),
      driver: (name) => driverWriteInChild({ mode: 'write', share: shareOptions, file, name }),
    };
    const times: Record<Leg, number[]> = { raw: [], piped: [], driver: [] };
    const legs: Leg[] = ['raw', 'piped', 'driver'];
    for (let run = 0; run < RUNS; run++) {
      // Each round starts with a different leg, so none always runs first or last.
      for (let i = 0; i < legs.length; i++) {
        const leg = legs[(run + i) % legs.length]!;
        const name = `${leg}-${run}.bin`;
        times[leg].push(await upload[leg](name));
        await rm(path.join(server.shareDir, name), { force: true });
      }
    }
    const mib = FILE_BYTES / 1024 ** 2;
    const best = (leg: Leg): number => Math.min(...times[leg]);
    console.log(
      `share write, 1 GiB to loopback smbd (SMB3, encryption desired), ${RUNS} interleaved runs each; data on ${areaDescription}:`,
    );
    const line = (label: string, leg: Leg): string =>
      `  ${label.padEnd(34)} best ${(best(leg) / 1000).toFixed(2)} s (${(mib / (best(leg) / 1000)).toFixed(0)} MiB/s), median ${(median(times[leg]) / 1000).toFixed(2)} s`;
    console.log(line('raw smbclient put <file>', 'raw'));
    console.log(line('raw cat <file> | smbclient put -', 'piped'));
    console.log(line('driver writeStream', 'driver'));
    console.log(
      `  ratio driver / raw file put:  best ${(best('raw') / best('driver')).toFixed(2)}, median ${(median(times.raw) / median(times.driver)).toFixed(2)}  (goal ≥ 0.80)`,
    );
    console.log(
      `  ratio driver / raw piped put: best ${(best('piped') / best('driver')).toFixed(2)}, median ${(median(times.piped) / median(times.driver)).toFixed(2)}`,
    );
  });
}

/** The driver's write time, measured inside a fresh process (share-child.ts). */
function driverWriteInChild(request: ShareChildRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]!, '--share-child'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, IBC_BENCH_SHARE: JSON.stringify(request) },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`driver write exited ${code}`));
      resolve((JSON.parse(out.trim().split('\n').pop()!) as { ms: number }).ms);
    });
  });
}

export async function writeRandomFile(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    const block = randomBytes(1 << 20);
    for (let written = 0; written < bytes; written += block.length) {
      block.writeUInt32BE(written >>> 0, 0);
      await handle.write(block);
    }
  } finally {
    await handle.close();
  }
}

/** Plain smbclient with the same options the driver uses. */
export function rawSmbclientPut(server: SambaServer, work: string, file: string, name: string, piped: boolean): Promise<void> {
  return withRawSmbclient(
    server,
    work,
    (smbclientArgs) =>
      new Promise<void>((resolve, reject) => {
        const child = piped
          ? spawn('sh', ['-c', 'cat -- "$0" | exec smbclient "$@"', file, ...smbclientArgs, '-c', `put - "${name}"`], {
              stdio: ['ignore', 'ignore', 'pipe'],
            })
          : spawn('smbclient', [...smbclientArgs, '-c', `put "${file}" "${name}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`smbclient put exited ${code}: ${stderr}`))));
      }),
  );
}
