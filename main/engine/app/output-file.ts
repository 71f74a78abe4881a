/**
 * How the console writes a whole file: never through a name another user
 * planted. Node's writeFile follows a symbolic link and keeps an existing
 * file's owner and mode, so a link or a file put there beforehand (in a
 * shared folder) would receive the data. These open exclusively
 * (O_CREAT|O_EXCL refuses links and existing files), flush, and remove what
 * they wrote if writing fails. Used for the state files in the config folder
 * and for what the operator asks to be written elsewhere (a .pfx from
 * `cert new`, an exported configuration, a file saved from the window).
 * Synchronous: the files are small, and the settings store is synchronous.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { invalidInput } from '../errors';

/** Creates `path`, which must not exist yet (nor be a link), with `mode`. */
export function createNewFile(path: string, data: string | Uint8Array, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(path);
    throw error;
  }
  closeSync(fd);
}

/**
 * Writes `path` whole, replacing what is there: a new file beside it
 * (exclusive, with `mode`), then a rename over the name — which replaces a
 * link rather than following it. A crash leaves the old content or the new.
 */
export function replaceFile(path: string, data: string | Uint8Array, mode: number): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  createNewFile(temporary, data, mode);
  try {
    renameSync(temporary, path);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** A file that could not be written where the operator asked is their input to change: say why. */
export function outputFileFailure(field: string, path: string, error: unknown): unknown {
  const reasons: Record<string, string> = {
    EEXIST: 'already exists (or is a link), and is never overwritten',
    EACCES: 'cannot be written by this user',
    EPERM: 'cannot be written by this user',
    ENOENT: 'is in a folder that does not exist',
    ENOTDIR: 'is in a folder that does not exist',
    EISDIR: 'is a folder',
  };
  const reason = reasons[(error as NodeJS.ErrnoException).code ?? ''];
  return reason ? invalidInput(field, `${path} ${reason}.`, 'Choose another file name or folder.') : error;
}
