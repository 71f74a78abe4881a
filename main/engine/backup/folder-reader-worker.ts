/**
 * What the folder reader's worker thread is given, and what it posts back.
 * The worker (folderReaderWorker below) walks a source folder with
 * synchronous calls — an async round trip per open, stat, read and close was
 * most of a small file's cost — and writes the tar archive straight into
 * fixed-size blocks: a file's bytes are read into the block at its place in
 * the archive, so small files are coalesced without a buffer of their own and
 * a large one streams through the same blocks.
 */
export interface FolderReaderInput {
  root: string;
  blockBytes: number;
  /** Int32Array over it: [0] blocks the worker may still post, [1] 1 = stop, [2] 1 = the worker is waiting for a block to be handed back. */
  control: SharedArrayBuffer;
  /** Only add up the sizes of the regular files (for progress), posting `size`; nothing is read. */
  countOnly?: boolean;
}

export type FolderReaderMessage =
  | { type: 'block'; bytes: Uint8Array; fileBytes: number }
  | { type: 'end' }
  | { type: 'size'; bytes: number }
  /** `source`: a problem with the folder (link, special file, unreadable, changed while read): the component fails, the job goes on. */
  | { type: 'error'; message: string; source: boolean };

export const CREDITS = 0;
export const STOP = 1;
export const WAITING = 2;
export const CONTROL_BYTES = 12;

/**
 * The worker's body. It imports nothing and closes over nothing
 * (function-worker.ts says why), so the tar encoding lives here too: ustar
 * headers as tar-stream writes them (name split into prefix/name when it is
 * ASCII and fits, else a pax `path` record, sizes beyond 8 GiB in base-256),
 * so archives are the same bytes as before; tar-stream still reads them back.
 */
export function folderReaderWorker(): void {
  const { workerData, parentPort } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const input = workerData as FolderReaderInput;
  const control = new Int32Array(input.control);
  const port = parentPort!;

  class Stopped extends Error {}
  class SourceProblem extends Error {}

  let block = Buffer.allocUnsafe(input.blockBytes);
  let used = 0;
  let blockFileBytes = 0;

  const stopped = (): boolean => Atomics.load(control, 1) === 1;
  /** Takes one credit, waiting for the consumer to hand one back: read-ahead is bounded. */
  const takeCredit = (): void => {
    for (;;) {
      if (stopped()) throw new Stopped();
      const credits = Atomics.load(control, 0);
      if (credits > 0) {
        if (Atomics.compareExchange(control, 0, credits, credits - 1) === credits) return;
        continue;
      }
      // Say we sleep, so the consumer wakes us only then (a wake-up is a system call).
      Atomics.store(control, 2, 1);
      if (Atomics.load(control, 0) === credits) Atomics.wait(control, 0, credits);
      Atomics.store(control, 2, 0);
    }
  };
  const flush = (): void => {
    if (used === 0) return;
    takeCredit();
    const bytes = used === block.length ? block : block.subarray(0, used);
    port.postMessage({ type: 'block', bytes, fileBytes: blockFileBytes }, [block.buffer as ArrayBuffer]);
    block = Buffer.allocUnsafe(input.blockBytes);
    used = 0;
    blockFileBytes = 0;
  };
  const write = (bytes: Buffer): void => {
    for (let offset = 0; offset < bytes.length;) {
      if (used === block.length) flush();
      const copied = bytes.copy(block, used, offset);
      used += copied;
      offset += copied;
    }
  };
  const zeros = (count: number): void => {
    for (let left = count; left > 0;) {
      if (used === block.length) flush();
      const n = Math.min(left, block.length - used);
      block.fill(0, used, used + n);
      used += n;
      left -= n;
    }
  };
  const padding = (size: number): number => (512 - (size % 512)) % 512;

  const octal = (value: number, digits: number): string => {
    const text = value.toString(8);
    return text.length > digits ? '7'.repeat(digits) + ' ' : text.padStart(digits, '0') + ' ';
  };
  const ustarHeader = (name: string, prefix: string, mode: number, size: number, mtime: number, type: string): Buffer => {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write(octal(mode & 0o7777, 6), 100, 'ascii');
    header.write(octal(0, 6), 108, 'ascii');
    header.write(octal(0, 6), 116, 'ascii');
    if (size.toString(8).length > 11) {
      header[124] = 0x80;
      let rest = size;
      for (let i = 11; i > 0; i--) {
        header[124 + i] = rest & 0xff;
        rest = Math.floor(rest / 0x100);
      }
    } else header.write(octal(size, 11), 124, 'ascii');
    header.write(octal(Math.floor(mtime / 1000), 11), 136, 'ascii');
    header.write(type, 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    header.write(octal(0, 6), 329, 'ascii');
    header.write(octal(0, 6), 337, 'ascii');
    if (prefix) header.write(prefix, 345, 155, 'utf8');
    let sum = 8 * 32;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += header[i]!;
    header.write(octal(sum, 6), 148, 'ascii');
    return header;
  };
  /** ustar name/prefix when the name is ASCII and fits, else null (a pax record carries it). */
  const splitName = (name: string): { name: string; prefix: string } | null => {
    if (Buffer.byteLength(name) !== name.length) return null;
    let rest = name;
    let prefix = '';
    while (rest.length > 100) {
      const slash = rest.indexOf('/');
      if (slash === -1) return null;
      prefix += prefix ? '/' + rest.slice(0, slash) : rest.slice(0, slash);
      rest = rest.slice(slash + 1);
    }
    return prefix.length > 155 ? null : { name: rest, prefix };
  };
  const paxRecord = (key: string, value: string): string => {
    const body = ` ${key}=${value}\n`;
    const length = Buffer.byteLength(body);
    let digits = String(length).length;
    if (length + digits >= 10 ** digits) digits++;
    return `${length + digits}${body}`;
  };
  const entryHeader = (entryName: string, mode: number, size: number, mtime: number, type: '0' | '5'): void => {
    const name = type === '5' && !entryName.endsWith('/') ? entryName + '/' : entryName;
    const split = splitName(name);
    if (split) {
      write(ustarHeader(split.name, split.prefix, mode, size, mtime, type));
      return;
    }
    const pax = Buffer.from(paxRecord('path', name), 'utf8');
    write(ustarHeader('PaxHeader', '', mode, pax.length, mtime, 'x'));
    write(pax);
    zeros(padding(pax.length));
    write(ustarHeader('PaxHeader', '', mode, size, mtime, type));
  };

  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
  const addFile = (path: string, name: string): void => {
    // O_NOFOLLOW: a file swapped for a link after listing is refused, not followed.
    // O_NONBLOCK: a FIFO swapped in is opened without waiting for a writer, then refused.
    const fd = fs.openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    try {
      const info = fs.fstatSync(fd);
      if (!info.isFile()) throw new SourceProblem(`${name} is not a regular file; only regular files and folders can be backed up.`);
      entryHeader(name, info.mode, info.size, info.mtimeMs, '0');
      for (let left = info.size; left > 0;) {
        if (used === block.length) flush();
        const read = fs.readSync(fd, block, used, Math.min(left, block.length - used), null);
        if (read === 0) throw new SourceProblem(`${name} got shorter while it was being backed up; run the backup again.`);
        used += read;
        blockFileBytes += read;
        left -= read;
      }
      zeros(padding(info.size));
    } finally {
      fs.closeSync(fd);
    }
  };
  const addFolder = (path: string, name: string): void => {
    const info = fs.lstatSync(path);
    entryHeader(name, info.mode, 0, info.mtimeMs, '5');
    walk(path, name);
  };
  /** Entries in the order the file system lists them, read a few at a time: a folder is never held whole. */
  const walk = (dir: string, prefix: string): void => {
    const listing = fs.opendirSync(dir, { bufferSize: 128 });
    try {
      for (let entry = listing.readSync(); entry !== null; entry = listing.readSync()) {
        if (stopped()) throw new Stopped();
        const path = `${dir}/${entry.name}`;
        const name = prefix ? `${prefix}/${entry.name}` : entry.name;
        let kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'folder' : entry.isSymbolicLink() ? 'link' : 'other';
        if (kind === 'other' && !entry.isBlockDevice() && !entry.isCharacterDevice() && !entry.isFIFO() && !entry.isSocket()) {
          // The file system did not say (DT_UNKNOWN): ask.
          const info = fs.lstatSync(path);
          kind = info.isFile() ? 'file' : info.isDirectory() ? 'folder' : info.isSymbolicLink() ? 'link' : 'other';
        }
        if (kind === 'file') addFile(path, name);
        else if (kind === 'folder') addFolder(path, name);
        else
          throw new SourceProblem(
            `${name} is a ${kind === 'link' ? 'symbolic link' : 'special file'}; only regular files and folders can be backed up.`,
          );
      }
    } finally {
      listing.closeSync();
    }
  };

  const countSizes = (dir: string): number => {
    let total = 0;
    const listing = fs.opendirSync(dir, { bufferSize: 128 });
    try {
      for (let entry = listing.readSync(); entry !== null; entry = listing.readSync()) {
        if (stopped()) throw new Stopped();
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) total += countSizes(path);
        else if (entry.isFile()) total += fs.lstatSync(path).size;
      }
    } finally {
      listing.closeSync();
    }
    return total;
  };

  try {
    if (input.countOnly) {
      port.postMessage({ type: 'size', bytes: countSizes(input.root) });
      return;
    }
    walk(input.root.replace(/\/+$/, '') || '/', '');
    zeros(1024); // end of archive: two zero blocks
    flush();
    port.postMessage({ type: 'end' });
  } catch (error) {
    if (error instanceof Stopped) return;
    const message = error instanceof Error ? error.message : String(error);
    port.postMessage({
      type: 'error',
      message,
      source: error instanceof SourceProblem || (error as { code?: unknown }).code !== undefined,
    });
  }
}
