import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { EngineError } from '../errors';
import { SourceFailure } from '../sources/open-source';
import { assertRestorableOnWindows } from './windows-names';

/**
 * A folder as a POSIX tar stream (tar-stream: ustar, pax for long or UTF-8
 * names): directories (so empty ones survive) and regular files, sorted, with
 * names relative and '/'-separated. Links, devices and sockets fail the
 * component: a backup that silently drops them would not restore the source.
 */
export function packFolder(root: string): Readable {
  const pack = tar.pack();
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = join(dir, name);
      const info = await lstat(path);
      const entryName = relative(root, path).split(sep).join('/');
      if (info.isDirectory()) {
        pack.entry({ name: entryName, type: 'directory', mode: info.mode & 0o7777, mtime: info.mtime });
        await walk(path);
      } else if (info.isFile()) {
        let finished: (error?: Error | null) => void = () => undefined;
        const written = new Promise<void>((resolveEntry, reject) => (finished = (error) => (error ? reject(error) : resolveEntry())));
        // If feeding fails first, `written` is never awaited: keep its rejection from going unhandled.
        written.catch(() => undefined);
        const entry = pack.entry({ name: entryName, type: 'file', size: info.size, mode: info.mode & 0o7777, mtime: info.mtime }, (error) =>
          finished(error),
        );
        // Reported through the callback above; without a listener streamx would throw it (e.g. on cancel).
        entry.on('error', () => undefined);
        await feed(createReadStream(path, { highWaterMark: 1024 * 1024 }), entry);
        await written;
      } else {
        throw new SourceFailure(
          `${entryName} is a ${info.isSymbolicLink() ? 'symbolic link' : 'special file'}; only regular files and folders can be backed up.`,
        );
      }
    }
  };
  // A cancelled backup destroys the pack; the error reaches the consumer through the iterator.
  pack.on('error', () => undefined);
  walk(root).then(
    () => pack.finalize(),
    (error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  // tar-stream speaks streamx; the rest of the pipeline is Node streams.
  return Readable.from(pack, { objectMode: false, highWaterMark: 1024 * 1024 });
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

/** Extracts regular files and folders into `dir`; links, devices and unsafe names are refused. */
export async function extractTar(dir: string, source: Readable): Promise<{ files: number; bytes: number }> {
  const root = resolve(dir);
  const extract = tar.extract();
  let files = 0;
  let bytes = 0;
  const done = (async () => {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      const target = safeEntryPath(root, name);
      if (type === 'directory') {
        await mkdir(target, { recursive: true });
        entry.resume();
      } else if (type === 'file' || type === 'contiguous-file') {
        await mkdir(resolve(target, '..'), { recursive: true });
        // 'wx': never follow or replace anything already there.
        await pipeline(Readable.from(entry), createWriteStream(target, { flags: 'wx', mode: (entry.header.mode ?? 0o600) & 0o777 }));
        files += 1;
        bytes += entry.header.size ?? 0;
      } else {
        throw new UnsafeArchiveEntry(name, `${type} entries are not restored (only files and folders)`);
      }
    }
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
