import { readFileSync, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileContentWatch {
  close(): void;
}

/** The whole content: a change anywhere in the file counts. */
function contentOf(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Identity, size and time of change: enough for a file that only grows or is replaced (the history), without reading it. */
export function statOf(file: string): string | null {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return null;
  }
}

/**
 * Calls `onChange` when the content of `file` changes — written by another
 * process (a one-shot `infra-backup config set` beside a running `service`)
 * or by this one. It watches the folder, not the file: writers replace the
 * file by renaming a temporary one over it, which a watch on the file itself
 * stops seeing after the first time. Bursts of events are debounced, and an
 * event that leaves the file as last seen (by `fingerprint`: its content
 * unless told otherwise) calls nothing.
 */
export function watchFileContent(
  file: string,
  onChange: () => void,
  options: { debounceMs?: number; onError?: (error: unknown) => void; fingerprint?: (file: string) => string | null } = {},
): FileContentWatch {
  const name = basename(file);
  const fingerprint = options.fingerprint ?? contentOf;
  const read = (): string | null => fingerprint(file);
  let seen = read();
  let timer: NodeJS.Timeout | null = null;
  const check = (): void => {
    timer = null;
    const now = read();
    if (now === seen) return;
    seen = now;
    onChange();
  };
  const watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, options.debounceMs ?? 200);
    timer.unref();
  });
  watcher.on('error', (error) => options.onError?.(error));
  return {
    close: () => {
      watcher.close();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
