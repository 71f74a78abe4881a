import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TimelineEvent, TimelineQuery } from '../../../preload/api';
import { BACKUP_STATES, SHARE_FAILURE_CATEGORIES, TIMELINE_KINDS } from '../../../preload/api';
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
  /** Called after each append (the service forwards it as a 'timeline-appended' event). */
  onAppend?: (event: TimelineEvent) => void;
}

export function historyFileIn(configDir: string): string {
  return join(configDir, HISTORY_FILE_NAME);
}

/**
 * The local timeline: an append-only JSON Lines file, one event per line,
 * each append fsync'd so a finished run is on disk before anything else
 * happens. A crash can leave a torn last line: reading skips any line that is
 * not a valid event, and the next append starts on a fresh line. The file is
 * bounded: past `maxEvents` it is rewritten (temp file + fsync + rename) with
 * the newest `keepEvents`.
 */
export class HistoryStore implements TimelineSink {
  private events: TimelineEvent[] | null = null;
  private endsWithNewline = true;
  private chain: Promise<unknown> = Promise.resolve();
  /** Lines that could not be read at load (a torn write, manual edits). */
  skippedLines = 0;
  private readonly maxEvents: number;
  private readonly keepEvents: number;

  constructor(private readonly options: HistoryStoreOptions) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.keepEvents = Math.min(options.keepEvents ?? Math.floor(this.maxEvents * 0.8), this.maxEvents);
  }

  append(input: NewTimelineEvent): Promise<TimelineEvent> {
    return this.serial(async () => {
      const events = await this.load();
      const event = normalise({ ...input, id: randomUUID(), at: input.at ?? this.options.clock.now().toISOString() });
      if (event === null) throw new Error(`not a timeline event: kind ${String(input.kind)}`);
      const prefix = this.endsWithNewline ? '' : '\n';
      if (events.length === 0) await mkdir(dirname(this.options.file), { recursive: true });
      const handle = await open(this.options.file, 'a', 0o600);
      try {
        await handle.appendFile(`${prefix}${JSON.stringify(event)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.endsWithNewline = true;
      events.push(event);
      if (events.length > this.maxEvents) await this.compact(events);
      this.options.onAppend?.(event);
      return event;
    });
  }

  /**
   * Newest first by event time (a skipped slot recorded late sorts at its slot
   * time; equal times keep append order), optionally only some kinds, at most `limit`.
   */
  query(query: TimelineQuery = {}): Promise<TimelineEvent[]> {
    return this.serial(async () => {
      const events = await this.load();
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
      for (const event of await this.load()) {
        if (matches(event) && (best === null || Date.parse(event.at) >= Date.parse(best.at))) best = event;
      }
      return best;
    });
  }

  private async load(): Promise<TimelineEvent[]> {
    if (this.events !== null) return this.events;
    let text = '';
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const events: TimelineEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const event = parseLine(line);
      if (event) events.push(event);
      else this.skippedLines++;
    }
    this.endsWithNewline = text.length === 0 || text.endsWith('\n');
    if (events.length > this.maxEvents) await this.compact(events);
    this.events = events;
    return events;
  }

  private async compact(events: TimelineEvent[]): Promise<void> {
    events.splice(0, events.length - this.keepEvents);
    const temp = `${this.options.file}.compact-${process.pid}`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(events.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.options.file);
    await syncDirectory(dirname(this.options.file));
    this.endsWithNewline = true;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
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
