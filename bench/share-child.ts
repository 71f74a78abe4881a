// One driver write in its own process — as the raw smbclient it is compared
// with runs in its own — so the figure is the driver's, not the benchmark
// process's heap state (its garbage collector was measured turning the source
// stream's buffer churn into mark-compacts there, but not in a fresh process).
// The share's address and credentials arrive in IBC_BENCH_SHARE (never argv).
import { createReadStream } from 'node:fs';
import { NO_CANCEL } from '../main/engine/share/abort';
import { SmbShare, type SmbShareOptions } from '../main/engine/share/smb-share';

export interface ShareChildRequest {
  share: SmbShareOptions;
  file: string;
  name: string;
}

export async function shareChild(): Promise<void> {
  const request = JSON.parse(process.env.IBC_BENCH_SHARE ?? 'null') as ShareChildRequest | null;
  if (!request) throw new Error('share-child needs IBC_BENCH_SHARE');
  const share = new SmbShare(request.share);
  const started = performance.now();
  await share.writeStream(request.name, createReadStream(request.file, { highWaterMark: 1 << 20 }), NO_CANCEL);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - started })}\n`);
}
