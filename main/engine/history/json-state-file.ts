import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JsonStateFile<T> {
  load(): Promise<T | null>;
  save(state: T): Promise<void>;
}

/**
 * A small JSON state file in the config dir (schedule state, active alerts).
 * Writes are atomic (temp file + fsync + rename) so a crash leaves the old or
 * the new state, never half of one. An unreadable or invalid file loads as
 * null (the caller starts from its defaults) and is reported, not thrown:
 * losing the schedule phase or the alert list must not stop the console.
 */
export function jsonStateFile<T>(
  file: string,
  parse: (value: unknown) => T | null,
  onInvalid?: (reason: string) => void,
): JsonStateFile<T> {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      try {
        const state = parse(JSON.parse(text) as unknown);
        if (state === null) onInvalid?.(`${file}: content does not match the expected shape`);
        return state;
      } catch {
        onInvalid?.(`${file}: not valid JSON`);
        return null;
      }
    },
    async save(state) {
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.tmp-${process.pid}`;
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    },
  };
}
