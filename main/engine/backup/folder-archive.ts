import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { EngineError } from '../errors';
import { doneWith, WritingFile } from '../share/lent-buffers';
import { SourceFailure } from '../sources/open-source';
import { assertRestorableOnWindows } from './windows-names';
import {
  CONTROL_BYTES,
  CREDITS,
  folderReaderWorker,
  STOP,
  WAITING,
  type FolderReaderInput,
  type FolderReaderMessage,
} from './folder-reader-worker';
import { startFunctionWorker } from './function-worker';

/** Size of the blocks the archive is read into, and how many may be read ahead of the consumer. */
const BLOCK_BYTES = 1024 * 1024;
const READ_AHEAD_BLOCKS = 4;

/**
 * A folder as a POSIX tar stream (docs/BACKUP-FORMAT.md § Payload): folders
 * (so empty ones survive) and regular files, in the order the file system
 * lists them, names relative and '/'-separated. Links, devices and sockets
 * fail the component (SourceFailure): a backup that silently dropped them
 * would not restore the source. The folder is read in a worker thread
 * (folder-reader-worker.ts) at most READ_AHEAD_BLOCKS blocks ahead of the
 * consumer; `onFileBytes` counts the files' own bytes as their blocks are
 * consumed (the archive's headers and padding are not source data).
 */
export function packFolder(root: string, onFileBytes: (delta: number) => void = () => undefined): Readable {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const flags = new Int32Array(control);
  Atomics.store(flags, CREDITS, READ_AHEAD_BLOCKS);
  const input: FolderReaderInput = { root, blockBytes: BLOCK_BYTES, control };
  const worker = startFunctionWorker(folderReaderWorker, input);
  const queue: Array<{ bytes: Buffer; fileBytes: number }> = [];
  let wanted = false;
  let ended = false;
  const giveBack = (): void => {
    Atomics.add(flags, CREDITS, 1);
    if (Atomics.load(flags, WAITING) === 1) Atomics.notify(flags, CREDITS);
  };
  const stream = new Readable({
    highWaterMark: BLOCK_BYTES,
    read() {
      const next = queue.shift();
      if (!next) {
        if (ended) this.push(null);
        else wanted = true;
        return;
      }
      onFileBytes(next.fileBytes);
      giveBack();
      this.push(next.bytes);
    },
    destroy(error, callback) {
      Atomics.store(flags, STOP, 1);
      Atomics.notify(flags, CREDITS);
      callback(error);
    },
  });
  worker.on('message', (message: FolderReaderMessage) => {
    if (message.type === 'block') {
      const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength);
      if (wanted) {
        wanted = false;
        onFileBytes(message.fileBytes);
        giveBack();
        stream.push(bytes);
      } else queue.push({ bytes, fileBytes: message.fileBytes });
    } else if (message.type === 'end') {
      ended = true;
      if (wanted && queue.length === 0) stream.push(null);
    } else if (message.type === 'error') {
      stream.destroy(message.source ? new SourceFailure(message.message) : new Error(message.message));
    }
  });
  worker.once('error', (error) => stream.destroy(error));
  worker.once('exit', () => {
    if (!ended && !stream.destroyed) stream.destroy(new Error('The folder reader stopped before the end of the folder.'));
  });
  return stream;
}

/** The total size of a folder's regular files (for progress), counted in a worker thread without holding any listing whole. */
export async function countFolderBytes(root: string): Promise<number> {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const input: FolderReaderInput = { root, blockBytes: 0, control, countOnly: true };
  const worker = startFunctionWorker(folderReaderWorker, input);
  try {
    const message = await new Promise<FolderReaderMessage>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', () => reject(new Error('The folder size count stopped early.')));
    });
    if (message.type !== 'size') throw new Error(message.type === 'error' ? message.message : 'unexpected answer');
    return message.bytes;
  } finally {
    await worker.terminate();
  }
}

interface StreamxWritable {
  write(chunk: Buffer): boolean;
  end(data?: unknown): unknown;
  on(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
}

/** Writes a Node stream into a streamx writable with back-pressure, then ends it. */
async function feed(source: AsyncIterable<Buffer>, sink: StreamxWritable): Promise<void> {
  for await (const chunk of source) {
    if (!sink.write(chunk)) await once(sink as unknown as NodeJS.EventEmitter, 'drain');
  }
  sink.end();
}

export class UnsafeArchiveEntry extends EngineError {
  constructor(name: string, why: string) {
    super({
      code: 'restore-failed',
      message: `The archive entry "${name}" was refused: ${why}. Nothing was restored.`,
      remediation: 'The backup may have been tampered with: verify it, and restore an earlier backup if it fails.',
    });
  }
}

/** The entry's path inside `dir`, or an UnsafeArchiveEntry: never a path outside it. */
export function safeEntryPath(dir: string, name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new UnsafeArchiveEntry(name, 'empty or invalid name');
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name) || name.startsWith('\\')) throw new UnsafeArchiveEntry(name, 'absolute path');
  const parts = name.split(/[\\/]+/).filter((part) => part.length > 0 && part !== '.');
  if (parts.some((part) => part === '..')) throw new UnsafeArchiveEntry(name, 'it climbs out of the restore folder (..)');
  if (process.platform === 'win32') assertRestorableOnWindows(name, parts);
  const target = resolve(dir, ...parts);
  if (target !== dir && !target.startsWith(dir.endsWith(sep) ? dir : dir + sep))
    throw new UnsafeArchiveEntry(name, 'it resolves outside the restore folder');
  return target;
}

/** Entries up to this size are collected and written with one call; larger ones stream. */
const WHOLE_FILE_BYTES = 1024 * 1024;

/** The archived permission bits, without setuid and setgid: a restore never creates privileged files. */
export function restoredMode(mode: number | undefined, fallback: number): number {
  return (mode ?? fallback) & 0o1777;
}

/**
 * Extracts regular files and folders into `dir`; links, devices and unsafe
 * names are refused. Files and folders get the modes they were archived with
 * (restoredMode): a 0644 file in a 0700 folder stays out of other users'
 * reach. Folders are created 0700 while their contents are written, and get
 * their own modes at the end, deepest first (a 0500 folder could not be
 * filled otherwise).
 */
export async function extractTar(dir: string, source: Readable): Promise<{ files: number; bytes: number }> {
  const root = resolve(dir);
  const extract = tar.extract();
  let files = 0;
  let bytes = 0;
  const folderModes: Array<{ path: string; mode: number }> = [];
  const done = (async () => {
    for await (const entry of extract) {
      const { name, type, size = 0 } = entry.header;
      const target = safeEntryPath(root, name);
      if (type === 'directory') {
        await mkdir(target, { recursive: true, mode: 0o700 });
        if (target !== root) folderModes.push({ path: target, mode: restoredMode(entry.header.mode, 0o700) });
        entry.resume();
      } else if (type === 'file' || type === 'contiguous-file') {
        await mkdir(resolve(target, '..'), { recursive: true, mode: 0o700 });
        const mode = restoredMode(entry.header.mode, 0o600);
        // 'wx': never follow or replace anything already there. Created 0600, then given its mode (creation modes pass through the umask).
        if (size <= WHOLE_FILE_BYTES) {
          const parts: Buffer[] = [];
          for await (const part of entry) parts.push(part as Buffer);
          await writeFile(target, parts.length === 1 ? parts[0]! : Buffer.concat(parts), { flag: 'wx', mode: 0o600 });
          for (const part of parts) doneWith(part);
        } else await pipeline(Readable.from(entry), new WritingFile(target, { flags: 'wx', mode: 0o600 }));
        if (mode !== 0o600) await chmod(target, mode);
        files += 1;
        bytes += size;
      } else {
        throw new UnsafeArchiveEntry(name, `${type} entries are not restored (only files and folders)`);
      }
    }
    for (const folder of folderModes.reverse()) await chmod(folder.path, folder.mode);
  })();
  try {
    await Promise.all([feed(source, extract), done]);
  } catch (error) {
    extract.destroy();
    source.destroy();
    throw error;
  }
  return { files, bytes };
}
