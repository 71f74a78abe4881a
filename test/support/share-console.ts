/**
 * A stand-in console for process-level share tests, run in its own process
 * (test/support/console-process.ts) so the test can SIGKILL it. It drives the
 * production SMB driver and prints `ready` once it has started:
 * - upload: streams an endless, slow source into `slow.bin`;
 * - fifo-window: has smbclient `put` from a FIFO nobody ever writes — the
 *   state smbclient is in between opening the remote file and the upload
 *   FIFO, when a console dies there;
 * - session: lists the share once and keeps its long-lived smbclient session
 *   (smbclient-session.ts) open and idle.
 * Its instructions arrive in IBC_TEST_CONSOLE (never argv).
 */
import { Readable } from 'node:stream';
import { NO_CANCEL } from '../../main/engine/share/abort';
import { quoteArgument } from '../../main/engine/share/smbclient-runner';
import { SmbShare, type SmbShareOptions } from '../../main/engine/share/smb-share';

export interface ConsoleInstructions {
  mode: 'upload' | 'fifo-window' | 'session';
  share: SmbShareOptions;
  /** fifo-window: the FIFO to put from, and the remote name. */
  fifo?: string;
  remote?: string;
}

const instructions = JSON.parse(process.env.IBC_TEST_CONSOLE ?? 'null') as ConsoleInstructions | null;
if (!instructions) throw new Error('share-console needs IBC_TEST_CONSOLE');
const share = new SmbShare(instructions.share);

if (instructions.mode === 'upload') {
  const source = new Readable({
    read() {
      setTimeout(() => this.push(Buffer.alloc(256 * 1024, 7)), 10);
    },
  });
  void share.writeStream('slow.bin', source, NO_CANCEL);
} else if (instructions.mode === 'session') {
  await share.list('', NO_CANCEL);
} else {
  void share.run({ commands: [`put ${quoteArgument(instructions.fifo ?? '')} ${quoteArgument(instructions.remote ?? '')}`] });
}
process.stdout.write('ready\n');
setInterval(() => undefined, 1 << 30);
