/**
 * The console's state files in its config folder (settings, sources,
 * schedule, alerts): how they are read, replaced, and — when one cannot be
 * used — kept aside and reported. One mechanism for every file, so each says
 * the same thing the same way and none is ever silently replaced.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { CONFIG_FILE_MODE, ensureConfigDir } from './config-dir';
import { replaceFile } from './output-file';

const BYTE_ORDER_MARK = '\uFEFF';

/** The text of a state file, or null when there is none. A UTF-8 byte order mark (Windows editors add one) is not content. */
export function readStateText(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
}

/** Whether the file starts with a byte order mark (some readers, such as conf, refuse it). */
export function hasByteOrderMark(path: string): boolean {
  try {
    return readFileSync(path).subarray(0, 3).equals(Buffer.from(BYTE_ORDER_MARK, 'utf8'));
  } catch {
    return false;
  }
}

/** Replaces the file atomically with a 0600 file of ours (output-file.ts): a crash leaves the old content or the new, never half. */
export function writeStateText(path: string, text: string): void {
  ensureConfigDir(dirname(path));
  replaceFile(path, text, CONFIG_FILE_MODE);
}

/** Why a state file's text could not be used, in the operator's words. */
export function describeUnusable(error: unknown): string {
  if (error instanceof SyntaxError) return `it is not valid JSON: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Renames an unusable state file to `<name>.corrupt-<time><ext>` beside it
 * (never over another), so it is neither lost nor read again. Returns where it
 * went, or null when there was no file.
 */
export function keepAside(path: string, now: Date): string | null {
  if (!existsSync(path)) return null;
  const extension = extname(path);
  const stem = basename(path, extension);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let aside = join(dirname(path), `${stem}.corrupt-${stamp}${extension}`);
  for (let n = 2; existsSync(aside); n += 1) aside = join(dirname(path), `${stem}.corrupt-${stamp}-${n}${extension}`);
  renameSync(path, aside);
  return aside;
}

/** The newest copy kept aside for this file, if any (names sort by time). */
export function newestKeptAside(path: string, names: readonly string[]): string | null {
  const extension = extname(path);
  const prefix = `${basename(path, extension)}.corrupt-`;
  const aside = names.filter((name) => name.startsWith(prefix) && name.endsWith(extension)).sort();
  return aside.length > 0 ? join(dirname(path), aside[aside.length - 1]!) : null;
}

/** The sentence every front door shows for a file kept aside: which file, why, where it is now, and what happens meanwhile. */
export function keptAsideNotice(path: string, reason: string, aside: string, meanwhile: string): string {
  return `The file ${path} could not be used (${reason}). It was kept as ${aside}; ${meanwhile}`;
}
