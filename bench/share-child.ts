// One driver operation in its own process — as the raw smbclient it is
// compared with runs in its own — so the figure is the driver's, not the
// benchmark process's heap state (its garbage collector was measured turning
// the source stream's buffer churn into mark-compacts there, but not in a
// fresh process). A write reports its time; a keyless-verify read (stream +
// SHA-256, as verify does) reports its time and the client CPU it took, its
// own and its smbclient's (reaped children, from /proc). The share's address
// and credentials arrive in IBC_BENCH_SHARE (never argv).
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NO_CANCEL } from '../main/engine/share/abort';
import { SmbShare, type SmbShareOptions } from '../main/engine/share/smb-share';

export interface ShareChildRequest {
  mode: 'write' | 'verify-read';
  share: SmbShareOptions;
  /** write: the local file to upload. */
  file?: string;
  name: string;
}

export interface ShareChildResult {
  ms: number;
  /** verify-read: CPU seconds of this process and of its (reaped) smbclient, during the read. */
  cpuSeconds?: { own: number; smbclient: number };
  sha256?: string;
}

export async function shareChild(): Promise<void> {
  const request = JSON.parse(process.env.IBC_BENCH_SHARE ?? 'null') as ShareChildRequest | null;
  if (!request) throw new Error('share-child needs IBC_BENCH_SHARE');
  const share = new SmbShare(request.share);
  const started = performance.now();
  let result: ShareChildResult;
  if (request.mode === 'write') {
    await share.writeStream(request.name, createReadStream(request.file ?? '', { highWaterMark: 1 << 20 }), NO_CANCEL);
    result = { ms: performance.now() - started };
  } else {
    const ownBefore = process.cpuUsage();
    const childrenBefore = reapedChildrenCpuSeconds();
    const hash = createHash('sha256');
    // As verify reads: a stream pipeline into the hash.
    await pipeline(
      await share.readStream(request.name, NO_CANCEL),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback();
        },
      }),
    );
    const own = process.cpuUsage(ownBefore);
    result = {
      ms: performance.now() - started,
      cpuSeconds: { own: (own.user + own.system) / 1e6, smbclient: reapedChildrenCpuSeconds() - childrenBefore },
      sha256: hash.digest('hex'),
    };
  }
  await share.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** cutime + cstime of this process: the CPU of children it has waited for (Linux, in clock ticks of 1/100 s). */
export function reapedChildrenCpuSeconds(pid: number | 'self' = 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm)": state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
