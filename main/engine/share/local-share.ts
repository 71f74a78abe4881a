/**
 * FileShare over a folder the OS already mounts (a local disk for trial use,
 * an NFS/CIFS mount, or a UNC path on Windows, which Node opens natively).
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isEngineError, type EngineError } from '../errors';
import { abortError, throwIfAborted } from './abort';
import { DOWNLOAD_PIECE_BYTES } from './download-reader';
import type { FileShare, ShareCapabilities, ShareEntry, ShareSession, ShareSpace, WriteResult } from './file-share';
import { temporaryNameFor } from './file-share';
import { classifyShareFailure, notFoundError, shareError, type ShareError, type ShareOperation } from './share-errors';
import { baseName, joinSharePath, parentOf, pathComponents } from './share-path';
import { doneWith } from './lent-buffers';
import { LendingFileReader } from './lending-file-reader';

export class LocalShare implements FileShare {
  readonly kind = 'local' as const;

  /** @param root absolute folder that share-relative paths are resolved against. */
  constructor(private readonly root: string) {}

  describe(): string {
    return this.root;
  }

  capabilities(): ShareCapabilities {
    return { server: null, reportsProtocol: false, links: 'always' };
  }

  async connect(signal: AbortSignal): Promise<ShareSession> {
    throwIfAborted(signal);
    return { dialect: null, encrypted: false, account: null };
  }

  async stat(sharePath: string, signal: AbortSignal): Promise<ShareEntry | null> {
    throwIfAborted(signal);
    const target = this.resolve(sharePath);
    try {
      // The backup folder itself may be reached through a link the operator chose; what is inside it is seen as it is.
      return entryOf(sharePath, pathComponents(sharePath).length === 0 ? await stat(target) : await lstat(target));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') {
        if (pathComponents(sharePath).length === 0) throw await this.absent(sharePath, error);
        await this.throwUnlessNotFound(sharePath, error);
        return null;
      }
      throw failure(error, `Checking "${sharePath}" failed.`);
    }
  }

  async list(dir: string, signal: AbortSignal): Promise<ShareEntry[]> {
    throwIfAborted(signal);
    const target = this.resolve(dir);
    try {
      const names = await readdir(target);
      const entries: ShareEntry[] = [];
      for (const name of names) {
        throwIfAborted(signal);
        const info = await lstat(path.join(target, name)).catch(() => null);
        if (info) entries.push(entryOf(joinSharePath(dir, name), info));
      }
      return entries;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') throw await this.absent(dir, error);
      throw failure(error, `Listing the folder "${dir}" failed.`);
    }
  }

  async mkdirp(dir: string, signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    try {
      await mkdir(this.resolve(dir), { recursive: true });
    } catch (error) {
      // EEXIST / ENOTDIR here mean a file is in the way.
      const code = errnoOf(error);
      if (code === 'EEXIST' || code === 'ENOTDIR') {
        throw shareError('path', `"${dir}" cannot be created because a file is in the way.`, error);
      }
      throw failure(error, `Creating the folder "${dir}" failed.`, 'write');
    }
  }

  async writeStream(sharePath: string, source: Readable, signal: AbortSignal): Promise<WriteResult> {
    const target = this.resolve(sharePath);
    if (pathComponents(sharePath).length === 0) throw shareError('path', 'A file needs a name.');
    const temporary = path.join(path.dirname(target), temporaryNameFor(baseName(sharePath), randomBytes(6).toString('hex')));
    let bytes = 0;
    let sourceError: unknown;
    let writeFailed = false;
    source.once('error', (error) => (sourceError = error));
    const onAbort = (): void => void source.destroy(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      throwIfAborted(signal);
      // 'wx': never reuse an existing file. The handle stays open for fsync.
      const handle = await open(temporary, 'wx', 0o600);
      try {
        // Plain awaited writes: back-pressure for free, and the handle stays ours
        // (a WriteStream on a borrowed fd may close it on error).
        for await (const chunk of source as AsyncIterable<Buffer>) {
          let offset = 0;
          try {
            while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
          } catch (error) {
            writeFailed = true;
            throw error;
          }
          bytes += chunk.length;
          doneWith(chunk);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      throwIfAborted(signal);
      const written = (await stat(temporary)).size;
      if (written !== bytes) {
        throw shareError('general', `"${sharePath}" was not stored completely (${written} of ${bytes} bytes).`);
      }
      await publishWithoutOverwrite(temporary, target, sharePath);
      return { bytes };
    } catch (error) {
      // A full disk leaves a partial file behind: remove it.
      await rm(temporary, { force: true }).catch(() => undefined);
      source.destroy();
      if (signal.aborted) throw abortError(signal);
      // The source's own failure (e.g. a backup command) is not a share failure.
      if (!writeFailed && sourceError !== undefined) throw sourceError;
      if (isShareError(error)) throw error;
      if (errnoOf(error) === 'ENOENT') throw await this.absent(parentOf(sharePath), error);
      throw failure(error, `Writing "${sharePath}" failed.`, 'write');
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async readStream(sharePath: string, signal: AbortSignal): Promise<Readable> {
    throwIfAborted(signal);
    const target = this.resolve(sharePath);
    try {
      const handle = await open(target, 'r');
      // Pieces of DOWNLOAD_PIECE_BYTES, as the SMB driver hands on: 16 times fewer reads, buffers and
      // stream callbacks per GiB than Node's 64 KiB default for whoever consumes them (verify, restore).
      const stream = new LendingFileReader(handle, DOWNLOAD_PIECE_BYTES);
      if (signal.aborted) stream.destroy(abortError(signal));
      else {
        const onAbort = (): void => void stream.destroy(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        stream.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      return stream;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') throw await this.absent(sharePath, error);
      throw failure(error, `Reading "${sharePath}" failed.`);
    }
  }

  async rename(from: string, to: string, signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    const source = this.resolve(from);
    const target = this.resolve(to);
    try {
      const info = await lstat(source);
      // Files: link + unlink is atomic against a concurrent creator of `to`
      // (the share lock's takeover relies on exactly one rename winning).
      // Folders cannot be hard-linked: check, then rename.
      if (info.isFile()) {
        await publishWithoutOverwrite(source, target, to);
        return;
      }
      if (await exists(target)) throw alreadyExists(to);
      await rename(source, target);
    } catch (error) {
      if (isShareError(error)) throw error;
      if (errnoOf(error) === 'ENOENT') throw await this.absent(from, error);
      throw failure(error, `Renaming "${from}" to "${to}" failed.`, 'write');
    }
  }

  async deleteTree(sharePath: string, signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (pathComponents(sharePath).length === 0) throw shareError('path', 'The backup folder itself cannot be deleted.');
    try {
      await lstat(this.resolve(sharePath));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return this.throwUnlessNotFound(sharePath, error);
      throw failure(error, `Deleting "${sharePath}" failed.`);
    }
    try {
      // fs.rm does not follow links: a link is unlinked, its target untouched.
      await rm(this.resolve(sharePath), { recursive: true, force: true });
    } catch (error) {
      throw failure(error, `Deleting "${sharePath}" failed.`, 'write');
    }
  }

  async freeSpace(signal: AbortSignal): Promise<ShareSpace> {
    throwIfAborted(signal);
    try {
      const info = await statfs(this.root);
      return { freeBytes: info.bavail * info.bsize, totalBytes: info.blocks * info.bsize };
    } catch (error) {
      throw failure(error, 'Reading the free space failed.');
    }
  }

  async close(): Promise<void> {}

  private resolve(sharePath: string): string {
    return path.join(this.root, ...pathComponents(sharePath));
  }

  /** Not-found when the backup folder exists (what is missing is inside it); path when the folder itself is missing. */
  private async absent(sharePath: string, cause: unknown): Promise<ShareError> {
    const root = await stat(this.root).catch(() => null);
    if (!root?.isDirectory()) {
      return shareError('path', `The backup folder ${this.root} does not exist, or is not a folder.`, cause);
    }
    return notFoundError(sharePath, cause);
  }

  private async throwUnlessNotFound(sharePath: string, cause: unknown): Promise<void> {
    const error = await this.absent(sharePath, cause);
    if (error.kind !== 'not-found') throw error;
  }
}

/**
 * link() fails atomically when the target exists, which rename() does not
 * (it replaces). Filesystems without hard links fall back to check-then-rename.
 */
async function publishWithoutOverwrite(temporary: string, target: string, sharePath: string): Promise<void> {
  try {
    await link(temporary, target);
    await unlink(temporary);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') throw alreadyExists(sharePath);
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      if (await exists(target)) throw alreadyExists(sharePath);
      await rename(temporary, target);
      return;
    }
    throw error;
  }
}

function alreadyExists(sharePath: string): EngineError {
  return shareError('general', `"${sharePath}" already exists on the share and was not replaced.`);
}

async function exists(target: string): Promise<boolean> {
  return lstat(target).then(
    () => true,
    () => false,
  );
}

function entryOf(sharePath: string, info: Stats): ShareEntry {
  const kind = info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'directory' : 'file';
  return {
    name: baseName(sharePath) || parentOf(sharePath),
    path: joinSharePath(sharePath),
    kind,
    size: kind === 'file' ? info.size : 0,
    modifiedAt: info.mtime,
  };
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isShareError(error: unknown): error is EngineError {
  return isEngineError(error);
}

function failure(error: unknown, detail: string, operation: ShareOperation = 'read'): EngineError {
  if (isShareError(error)) return error;
  return shareError(classifyShareFailure(error, operation), detail, error);
}
