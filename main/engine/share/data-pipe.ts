/**
 * The pipes file data travels through between us and smbclient.
 *
 * Real pipes, not socketpairs (Node's own child pipes are socketpairs, which
 * smbclient reads in small pieces, and which `open("/dev/fd/N")` refuses):
 * - uploads: a FIFO in our private 0700 folder that smbclient's `put` opens
 *   by name, so the session's commands stay on standard input and more
 *   commands (the size check) follow the upload in the same session —
 *   `put -` from standard input ends the session's command list, and
 *   `put /dev/fd/N` reopens a pipe that may already be at EOF;
 * - downloads: a FIFO opened at both ends and unlinked; its write end is
 *   smbclient's fd 3 for `get <name> /dev/fd/3`.
 *
 * Its capacity is raised from Linux's 64 KiB to 1 MiB (the default
 * `fs.pipe-max-size`, allowed without privileges). Why: smbclient fills each
 * 8 MiB SMB write with `fread`, and a pipe read returns at most what the pipe
 * holds — with 64 KiB that is 128 reads, each a wake-up of the other side,
 * per write, and smbclient's one thread encrypts nothing meanwhile. Measured
 * on the loopback share: 1 GiB piped in 2.9 s with 64 KiB, 2.2 s with 1 MiB,
 * against 1.9 s for smbclient reading a regular file.
 *
 * Node cannot call fcntl(F_SETPIPE_SZ) itself, so a one-line `perl` (part of
 * every Debian system: perl-base is Essential) does it on the shared pipe.
 * When that is not possible the transfer still works, only slower.
 */
import { execFile } from 'node:child_process';
import { close as closeCallback, constants, open as openCallback } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnTied, tiedCommand } from './tied-child';

/**
 * The upload FIFO's writing end, opened while smbclient's `put` opens the
 * reading end. The open waits for that reader on purpose: a FIFO's data dies
 * with its last open end, so writing (and closing) before smbclient has it
 * open would lose the data and leave `put` waiting forever. When smbclient
 * never gets to `put` (its session failed first), `abandon` releases the
 * waiting open by opening the reading end itself.
 */
export interface UploadFifo {
  /** Where smbclient opens it for reading. */
  path: string;
  /** Our end, once smbclient has opened its end, enlarged; rejects if abandoned first. */
  opened: Promise<number>;
  abandon(): Promise<void>;
}

/** `onReaderArrived` runs the moment smbclient has opened its end (before the pipe is enlarged). */
export async function createUploadFifo(privateDir: string, onReaderArrived: () => void = () => undefined): Promise<UploadFifo> {
  const fifo = path.join(privateDir, 'upload');
  await makeFifo(fifo);
  let abandoned = false;
  const opened = openFd(fifo, 'w').then(async (fd) => {
    if (abandoned) {
      await closeFd(fd);
      throw new Error('the upload was abandoned before smbclient opened it');
    }
    onReaderArrived();
    await enlargePipe(fd);
    return fd;
  });
  opened.catch(() => undefined);
  return {
    path: fifo,
    opened,
    async abandon() {
      abandoned = true;
      // Non-blocking read open: completes the waiting write open, if any.
      const reader = await openFd(fifo, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
      await opened.catch(() => undefined);
      if (reader !== null) await closeFd(reader);
    },
  };
}

export interface PipeEnds {
  /** Becomes smbclient's fd 3. */
  childEnd: number;
  ourEnd: number;
}

/** A FIFO only we may open, made by mkfifo (Node has no mkfifo of its own), which dies with us too. */
async function makeFifo(fifo: string): Promise<void> {
  const mkfifo = tiedCommand('mkfifo', ['-m', '600', fifo]);
  await promisify(execFile)(mkfifo.command, mkfifo.args);
}

/** Linux fcntl command number, identical on every architecture. */
const F_SETPIPE_SZ = 1031;
export const PIPE_CAPACITY = 1 << 20;

const openFd = promisify(openCallback) as (file: string, flags: string | number) => Promise<number>;
export const closeFd = promisify(closeCallback);

/** The download pipe, through a FIFO in `privateDir` (a 0700 folder of ours). */
export async function openDownloadPipe(privateDir: string): Promise<PipeEnds> {
  const fifo = path.join(privateDir, 'data');
  await makeFifo(fifo);
  // Raw fds, not FileHandles: our end is handed to a net.Socket, which closes
  // it; a FileHandle would try to close it again on garbage collection.
  const [readEnd, writeEnd] = await Promise.all([openFd(fifo, 'r'), openFd(fifo, 'w')]);
  await rm(fifo, { force: true });
  await enlargePipe(readEnd);
  return { childEnd: writeEnd, ourEnd: readEnd };
}

/**
 * Raises the pipe's capacity to PIPE_CAPACITY, best effort: resolves true when
 * it was raised, false when it could not be (no perl, not Linux, a per-user
 * pipe quota reached) — never fails the transfer.
 */
export function enlargePipe(fd: number, perlPath = 'perl'): Promise<boolean> {
  if (process.platform !== 'linux') return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawnTied(perlPath, ['-e', `fcntl(STDIN, ${F_SETPIPE_SZ}, ${PIPE_CAPACITY}) or exit 1`], {
      stdio: [fd, 'ignore', 'ignore'],
    });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}
