import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TimelineEvent, TimelineQuery } from '../../../preload/api';
import { BACKUP_STATES, SHARE_FAILURE_CATEGORIES, TIMELINE_KINDS } from '../../../preload/api';
import { withFileLock } from '../app/file-lock';
import type { Clock } from '../clock';
import { scrubSecrets } from '../redact';
import type { NewTimelineEvent, TimelineSink } from './timeline-sink';

export const HISTORY_FILE_NAME = 'history.jsonl';
export const DEFAULT_MAX_EVENTS = 5000;
export const DEFAULT_QUERY_LIMIT = 200;

export interface HistoryStoreOptions {
  /** The JSON Lines file, normally `<configDir>/history.jsonl`. */
  file: string;
  clock: Clock;
  /** Compact when the file holds more than this many events. */
  maxEvents?: number;
  /** How many of the newest events a compaction keeps (default 80 % of maxEvents). */
  keepEvents?: number;
  /** Called after each append of this store (the service forwards it as a 'timeline-appended' event). */
  onAppend?: (event: TimelineEvent) => void;
  /**
   * Called once for each event another process added to the file (a CLI backup beside a running
   * console), in file order, when this store finds it — before any answer that includes it.
   */
  onAppendedElsewhere?: (event: TimelineEvent) => void;
  /** The station's lock on the file could not be had (the append went ahead without it): for the log. */
  onLockProblem?: (error: unknown) => void;
}

export function historyFileIn(configDir: string): string {
  return join(configDir, HISTORY_FILE_NAME);
}

/** What identifies the file as last read: a change in any of these means another process wrote it. */
interface FileSeen {
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
}

const NEWLINE = 0x0a;

/**
 * The local timeline: an append-only JSON Lines file, one event per line,
 * each append fsync'd so a finished run is on disk before anything else
 * happens. A crash can leave a torn last line: reading skips any line that is
 * not a valid event, and the next append starts on a fresh line. The file is
 * bounded: past `maxEvents` it is rewritten (temp file + fsync + rename) with
 * the newest `keepEvents`. Appends and compactions hold the station's lock on
 * the file (file-lock.ts): a compaction rewrites what it read, so a line
 * another process appended meanwhile — or wrote to the file it replaced —
 * would be lost.
 *
 * Several processes of one station share the file (a running console and
 * one-shot CLI commands), so before every answer the store looks at it: one
 * `stat` when nothing changed. Lines another process appended are read from
 * the offset this store knows, complete lines only (a line still being
 * written is read again next time); a file that shrank, was replaced (another
 * process compacted it) or no longer holds, just before that offset, the last
 * line this store read, is read again in full. Inode numbers alone are not
 * trusted for that (some Windows file systems give none), hence the check of
 * the last line.
 */
export class HistoryStore implements TimelineSink {
  private events: TimelineEvent[] | null = null;
  /** The file as of the last look, or null when it did not exist. */
  private seen: FileSeen | null = null;
  /** Bytes of complete lines read; anything after them is a line not yet finished. */
  private consumed = 0;
  /** The last complete line read (with its newline), expected again just before `consumed`. */
  private lastLine: Buffer = Buffer.alloc(0);
  private chain: Promise<unknown> = Promise.resolve();
  /** Lines that could not be read (a torn write, manual edits), since the file was last read in full. */
  skippedLines = 0;
  private readonly maxEvents: number;
  private readonly keepEvents: number;

  constructor(private readonly options: HistoryStoreOptions) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.keepEvents = Math.min(options.keepEvents ?? Math.floor(this.maxEvents * 0.8), this.maxEvents);
  }

  /**
   * `onBehalfOf: 'another-process'`: the event closes a run of another process (one that died
   * mid-job), so it is announced as that process's would have been (`onAppendedElsewhere`).
   */
  append(input: NewTimelineEvent, onBehalfOf: 'this-process' | 'another-process' = 'this-process'): Promise<TimelineEvent> {
    return this.serial(async () => {
      // The lock is a folder beside the file: the config folder must exist first.
      await mkdir(dirname(this.options.file), { recursive: true });
      return withFileLock(this.options.file, () => this.appendLocked(input, onBehalfOf), this.lockProblem);
    });
  }

  private readonly lockProblem = (error: unknown): void => this.options.onLockProblem?.(error);

  private async appendLocked(input: NewTimelineEvent, onBehalfOf: 'this-process' | 'another-process'): Promise<TimelineEvent> {
    await this.follow();
    const event = normalise({ ...input, id: randomUUID(), at: input.at ?? this.options.clock.now().toISOString() });
    if (event === null) throw new Error(`not a timeline event: kind ${String(input.kind)}`);
    // An unfinished last line (a crash mid-write) is ended first, so this event has a line of its own.
    const prefix = this.seen !== null && this.seen.size > this.consumed ? '\n' : '';
    const handle = await open(this.options.file, 'a', 0o600);
    try {
      await handle.appendFile(`${prefix}${JSON.stringify(event)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Read back from the known offset: that moves it past this line, and takes any line another process added meanwhile.
    await this.follow(event);
    const events = this.loaded();
    if (!events.some((e) => e.id === event.id)) events.push(event);
    if (events.length > this.maxEvents) await this.compact(events);
    if (onBehalfOf === 'another-process') this.options.onAppendedElsewhere?.(event);
    else this.options.onAppend?.(event);
    return event;
  }

  /**
   * Newest first by event time (a skipped slot recorded late sorts at its slot
   * time; equal times keep append order), optionally only some kinds, at most `limit`.
   */
  query(query: TimelineQuery = {}): Promise<TimelineEvent[]> {
    return this.serial(async () => {
      const events = await this.follow();
      const kinds = query.kinds && query.kinds.length > 0 ? new Set(query.kinds) : null;
      const limit = Math.max(0, query.limit ?? DEFAULT_QUERY_LIMIT);
      const matching = events
        .map((event, index) => ({ event, index, at: Date.parse(event.at) }))
        .filter(({ event }) => kinds === null || kinds.has(event.kind));
      matching.sort((a, b) => b.at - a.at || b.index - a.index);
      return matching.slice(0, limit).map(({ event }) => event);
    });
  }

  /** The newest event (by event time, as `query` orders them) that `matches`, or null. */
  findNewest(matches: (event: TimelineEvent) => boolean): Promise<TimelineEvent | null> {
    return this.serial(async () => {
      let best: TimelineEvent | null = null;
      for (const event of await this.follow()) {
        if (matches(event) && (best === null || Date.parse(event.at) >= Date.parse(best.at))) best = event;
      }
      return best;
    });
  }

  /** Takes what other processes wrote since the last look (a running console calls this when the file's folder changes). */
  refresh(): Promise<void> {
    return this.serial(async () => {
      await this.follow();
    });
  }

  private loaded(): TimelineEvent[] {
    if (this.events === null) throw new Error('history used before it was read');
    return this.events;
  }

  /**
   * Brings the events up to the file. `own`: an event this store just
   * appended — taken in its place in the file, not announced as another process's.
   */
  private async follow(own?: TimelineEvent): Promise<TimelineEvent[]> {
    if (this.events === null) {
      // Read only: an oversized file is compacted by the next append, which holds the lock.
      await this.readAll({ announce: false, own });
      return this.loaded();
    }
    const now = await statOrNull(this.options.file);
    const seen = this.seen;
    if (now === null) {
      // Removed by hand: the history is what the file says, nothing.
      if (seen !== null) this.forget();
      return this.loaded();
    }
    if (seen !== null && sameFile(now, seen) && now.size === seen.size && now.mtimeNs === seen.mtimeNs) return this.loaded();
    const grown = seen === null || (sameFile(now, seen) && now.size >= this.consumed);
    if (!(grown && (await this.readAppended(now, own)))) await this.readAll({ announce: true, own });
    return this.loaded();
  }

  /** Reads the lines added after `consumed`; false when the file no longer continues what was read (read it in full). */
  private async readAppended(now: FileSeen, own: TimelineEvent | undefined): Promise<boolean> {
    const start = this.consumed - this.lastLine.length;
    const bytes = await readRange(this.options.file, start, now.size - start);
    if (bytes === null || !bytes.subarray(0, this.lastLine.length).equals(this.lastLine)) return false;
    const added = bytes.subarray(this.lastLine.length);
    const end = added.lastIndexOf(NEWLINE) + 1;
    this.take(added.subarray(0, end), own, () => true);
    if (end > 0) {
      this.lastLine = lastLineOf(added, end);
      this.consumed += end;
    }
    this.seen = now;
    return true;
  }

  /** Reads the whole file; with `announce`, events not known before are another process's (it compacted or replaced the file). */
  private async readAll({ announce, own }: { announce: boolean; own: TimelineEvent | undefined }): Promise<void> {
    const known = new Set((this.events ?? []).map((event) => event.id));
    this.forget();
    const now = await statOrNull(this.options.file);
    if (now === null) return;
    const bytes = await readRange(this.options.file, 0, now.size);
    if (bytes === null) return;
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    this.take(bytes.subarray(0, end), own, (event) => announce && !known.has(event.id));
    this.consumed = end;
    this.lastLine = lastLineOf(bytes, end);
    this.seen = now;
  }

  /** Adds the events of complete `lines`: `own` (this store's append) in its place, any other announced as another process's when `announce` says. */
  private take(lines: Buffer, own: TimelineEvent | undefined, announce: (event: TimelineEvent) => boolean): void {
    const events = this.loaded();
    for (const event of this.parseLines(lines)) {
      if (own !== undefined && event.id === own.id) events.push(own);
      else {
        events.push(event);
        if (announce(event)) this.options.onAppendedElsewhere?.(event);
      }
    }
  }

  private forget(): void {
    this.events = [];
    this.seen = null;
    this.consumed = 0;
    this.lastLine = Buffer.alloc(0);
    this.skippedLines = 0;
  }

  private parseLines(bytes: Buffer): TimelineEvent[] {
    const events: TimelineEvent[] = [];
    for (const line of bytes.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const event = parseLine(line);
      if (event) events.push(event);
      else this.skippedLines++;
    }
    return events;
  }

  private async compact(events: TimelineEvent[]): Promise<void> {
    events.splice(0, events.length - this.keepEvents);
    const temp = `${this.options.file}.compact-${process.pid}`;
    const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.options.file);
    await syncDirectory(dirname(this.options.file));
    const now = await statOrNull(this.options.file);
    const written = Buffer.from(text, 'utf8');
    this.seen = now;
    this.consumed = written.length;
    this.lastLine = lastLineOf(written, written.length);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
  }
}

async function statOrNull(file: string): Promise<FileSeen | null> {
  try {
    const s = await stat(file, { bigint: true });
    return { dev: s.dev, ino: s.ino, size: Number(s.size), mtimeNs: s.mtimeNs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A copy of the line (with its newline) that ends at `end`, which follows a newline or the start of `bytes`. */
function lastLineOf(bytes: Buffer, end: number): Buffer {
  // lastIndexOf counts a negative offset from the end: search only when there is a byte before the newline.
  const start = end >= 2 ? bytes.lastIndexOf(NEWLINE, end - 2) + 1 : 0;
  return Buffer.from(bytes.subarray(start, end));
}

function sameFile(a: FileSeen, b: FileSeen): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** `length` bytes from `position` (fewer if the file is shorter now); null when the file is gone. */
async function readRange(file: string, position: number, length: number): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(Math.max(0, length));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Makes the rename durable; not every platform can open a directory, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic.
  }
}

function parseLine(line: string): TimelineEvent | null {
  try {
    return normalise(JSON.parse(line) as unknown);
  } catch {
    return null;
  }
}

const KINDS: ReadonlySet<string> = new Set(TIMELINE_KINDS);
const STATES: ReadonlySet<string> = new Set(BACKUP_STATES);
const CATEGORIES: ReadonlySet<string> = new Set(SHARE_FAILURE_CATEGORIES);
const TRIGGERS: ReadonlySet<string> = new Set(['scheduled', 'on-demand', 'catch-up']);

/** Keeps only the known fields of a well-formed event; texts are scrubbed of registered secrets. */
function normalise(value: unknown): TimelineEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.at !== 'string' || Number.isNaN(Date.parse(v.at))) return null;
  if (typeof v.kind !== 'string' || !KINDS.has(v.kind) || typeof v.summary !== 'string') return null;
  const event: TimelineEvent = { id: v.id, at: v.at, kind: v.kind as TimelineEvent['kind'], summary: scrubSecrets(v.summary) };
  if (typeof v.trigger === 'string' && TRIGGERS.has(v.trigger)) event.trigger = v.trigger as TimelineEvent['trigger'];
  if (typeof v.backupId === 'string') event.backupId = v.backupId;
  if (typeof v.state === 'string' && STATES.has(v.state)) event.state = v.state as TimelineEvent['state'];
  if (typeof v.durationSeconds === 'number' && Number.isFinite(v.durationSeconds)) event.durationSeconds = v.durationSeconds;
  if (typeof v.category === 'string' && CATEGORIES.has(v.category)) event.category = v.category as TimelineEvent['category'];
  if (typeof v.reason === 'string') event.reason = scrubSecrets(v.reason);
  if (v.failedDuringCopy === true) event.failedDuringCopy = true;
  if (typeof v.owner === 'string') event.owner = v.owner;
  return event;
}
