/**
 * Share write throughput: the SMB driver's streaming write (stdin → smbclient
 * `put -`, size check, rename) against raw `smbclient put` of the same 1 GiB
 * file to the same loopback smbd, in one run. Goal: ratio ≥ 0.8.
 * All use SMB3 with encryption when offered (the harness offers it). Each
 * runs three times, interleaved; the fastest run counts (the machine is shared,
 * so single runs are noisy). Two baselines are printed: smbclient
 * reading the file itself (it can read a regular file ahead, in parallel),
 * and smbclient reading the same bytes from a pipe (`cat file | smbclient
 * put -`), which is the ceiling for any streaming upload through smbclient,
 * since a stream is never a seekable file.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SmbShare } from '../main/engine/share/smb-share';
import { startSamba, type SambaServer } from '../test/support/samba';

const FILE_BYTES = 1024 ** 3;
const RUNS = 3;

export async function benchShare(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'ibc-bench-share-'));
  const server = await startSamba();
  try {
    const file = path.join(work, '1GiB.bin');
    await writeRandomFile(file, FILE_BYTES);
    const share = new SmbShare({
      host: server.host,
      port: server.port,
      share: server.shareName,
      username: server.username,
      password: server.password,
      timeoutSeconds: 60,
    });

    let rawBest = Infinity;
    let pipedBest = Infinity;
    let driverBest = Infinity;
    for (let run = 0; run < RUNS; run++) {
      rawBest = Math.min(rawBest, await timed(() => rawSmbclientPut(server, work, file, `raw-${run}.bin`, false)));
      await rm(path.join(server.shareDir, `raw-${run}.bin`), { force: true });
      pipedBest = Math.min(pipedBest, await timed(() => rawSmbclientPut(server, work, file, `raw-${run}.bin`, true)));
      driverBest = Math.min(driverBest, await timed(() => share.writeStream(`driver-${run}.bin`, createReadStream(file, { highWaterMark: 1 << 20 }))));
      await rm(path.join(server.shareDir, `raw-${run}.bin`), { force: true });
      await rm(path.join(server.shareDir, `driver-${run}.bin`), { force: true });
    }
    const mib = FILE_BYTES / 1024 ** 2;
    console.log(`share write, 1 GiB to loopback smbd (SMB3, encryption desired), best of ${RUNS}:`);
    const line = (label: string, ms: number): string => `  ${label.padEnd(34)} ${(ms / 1000).toFixed(2)} s  (${(mib / (ms / 1000)).toFixed(0)} MiB/s)`;
    console.log(line('raw smbclient put <file>', rawBest));
    console.log(line('raw cat <file> | smbclient put -', pipedBest));
    console.log(line('driver writeStream', driverBest));
    console.log(`  ratio driver / raw file put:  ${(rawBest / driverBest).toFixed(2)}  (goal ≥ 0.80)`);
    console.log(`  ratio driver / raw piped put: ${(pipedBest / driverBest).toFixed(2)}`);
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
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

/** Plain smbclient with the same options the driver uses; credentials in a 0600 auth file. */
export async function rawSmbclientPut(server: SambaServer, work: string, file: string, name: string, piped: boolean): Promise<void> {
  const authFile = path.join(work, 'auth');
  await writeFile(authFile, `username = ${server.username}\npassword = ${server.password}\n`, { mode: 0o600 });
  try {
    await new Promise<void>((resolve, reject) => {
      const smbclientArgs = [`//${server.host}/${server.shareName}`, '-p', String(server.port), '-A', authFile, '-m', 'SMB3', '--option=client smb encrypt=desired'];
      const child = piped
        ? spawn('sh', ['-c', 'cat -- "$0" | exec smbclient "$@"', file, ...smbclientArgs, '-c', `put - "${name}"`], { stdio: ['ignore', 'ignore', 'pipe'] })
        : spawn('smbclient', [...smbclientArgs, '-c', `put "${file}" "${name}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`smbclient put exited ${code}: ${stderr}`))));
    });
  } finally {
    await rm(authFile, { force: true });
  }
}
