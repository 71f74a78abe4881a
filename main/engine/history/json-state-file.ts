import { describeUnusable, keepAside, keptAsideNotice, readStateText, writeStateText } from '../app/state-file';

export interface JsonStateFile<T> {
  load(): Promise<T | null>;
  save(state: T): Promise<void>;
}

/**
 * A small JSON state file in the config dir (schedule state, active alerts),
 * read and written as every state file is (app/state-file.ts: atomic 0600
 * writes, a byte order mark tolerated). An unreadable or invalid file is kept
 * aside, reported through `onInvalid`, and loads as null (the caller starts
 * from its defaults): losing the schedule phase or the alert list must not
 * stop the console, and the next save must not overwrite what was there.
 */
export function jsonStateFile<T>(
  file: string,
  parse: (value: unknown) => T | null,
  onInvalid?: (notice: string) => void,
  now: () => Date = () => new Date(),
): JsonStateFile<T> {
  return {
    async load() {
      const text = readStateText(file);
      if (text === null) return null;
      let reason = 'its content does not match the expected shape';
      try {
        const state = parse(JSON.parse(text) as unknown);
        if (state !== null) return state;
      } catch (error) {
        reason = describeUnusable(error);
      }
      const aside = keepAside(file, now());
      if (aside !== null) onInvalid?.(keptAsideNotice(file, reason, aside, 'the console started from defaults for it.'));
      return null;
    },
    async save(state) {
      writeStateText(file, `${JSON.stringify(state, null, 2)}\n`);
    },
  };
}
