import { readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

export interface FilesWatch {
  close(): void;
}

export interface WatchedFile {
  /** The file's name in the watched folder. */
  name: string;
  onChange: () => void;
  /** What tells a change (null: the file is absent). Its whole content unless told otherwise. */
  fingerprint?: (file: string) => string | null;
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
 * Calls each file's `onChange` when it changes — written by another process
 * (a one-shot `infra-backup config set` beside a running `service`) or by
 * this one. One watch on the folder serves every file: writers replace a
 * file by renaming a temporary one over it, which a watch on the file itself
 * stops seeing after the first time. Bursts of events are debounced per
 * file, and an event that leaves a file as last seen (by its fingerprint)
 * calls nothing.
 */
export function watchFiles(
  folder: string,
  files: readonly WatchedFile[],
  options: { debounceMs?: number; onError?: (error: unknown) => void } = {},
): FilesWatch {
  const watched = new Map(
    files.map((file) => {
      const read = (): string | null => (file.fingerprint ?? contentOf)(join(folder, file.name));
      return [file.name, { file, read, seen: read(), timer: null as NodeJS.Timeout | null }];
    }),
  );
  const check = (entry: NonNullable<ReturnType<typeof watched.get>>): void => {
    entry.timer = null;
    const now = entry.read();
    if (now === entry.seen) return;
    entry.seen = now;
    entry.file.onChange();
  };
  const schedule = (entry: NonNullable<ReturnType<typeof watched.get>>): void => {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => check(entry), options.debounceMs ?? 200);
    entry.timer.unref();
  };
  const watcher = watch(folder, { persistent: false }, (_event, changed) => {
    // No name given (some platforms): any of them may have changed.
    if (changed === null) for (const entry of watched.values()) schedule(entry);
    else {
      const entry = watched.get(changed);
      if (entry) schedule(entry);
    }
  });
  watcher.on('error', (error) => options.onError?.(error));
  return {
    close: () => {
      watcher.close();
      for (const entry of watched.values()) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = null;
      }
    },
  };
}
