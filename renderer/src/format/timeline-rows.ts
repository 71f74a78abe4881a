import type { TimelineEvent, TimelineKind } from '../../../preload/api';
import { formatBytes } from './bytes';
import { absoluteTime, formatDuration, localizeTimes } from './time';
import { CATEGORY_WORDS, STATE_WORDS, TRIGGER_WORDS, stateTone, type Tone } from './words';

export type TimelineFilter = 'all' | 'backups' | 'skipped' | 'retention' | 'configuration';

/** The timeline's filters, in words, and the event kinds each one asks the engine for. */
export const TIMELINE_FILTERS: ReadonlyArray<{ value: TimelineFilter; label: string; kinds: TimelineKind[] }> = [
  { value: 'all', label: 'Everything', kinds: [] },
  { value: 'backups', label: 'Backups', kinds: ['run-started', 'run-finished', 'catch-up'] },
  { value: 'skipped', label: 'Skipped scheduled backups', kinds: ['slot-skipped'] },
  { value: 'retention', label: 'Deleted by retention', kinds: ['retention-deleted'] },
  { value: 'configuration', label: 'Configuration changes', kinds: ['settings-changed', 'certificate-changed', 'schedule-changed'] },
];

export interface TimelineRow {
  id: string;
  /** When it happened (a run: when it finished, or started while it runs). */
  at: string;
  title: string;
  detail: string | null;
  tone: Tone;
  trigger: string | null;
  backupId: string | null;
}

export interface TimelineContext {
  /** Sizes of the backups still on the share, by id. */
  sizes: ReadonlyMap<string, number>;
  /** The backup the console is taking right now, if any. */
  runningBackupId: string | null;
}

const SKIP_REASONS: Record<string, string> = {
  'automatic backups disabled': 'automatic backups are disabled',
  'a backup was already running': 'a backup was already running',
};

/**
 * Engine events (newest first) as the rows an operator reads: one row per
 * backup run (its start and finish joined), every title in words, every time
 * local.
 */
export function timelineRows(events: readonly TimelineEvent[], context: TimelineContext): TimelineRow[] {
  const finished = new Set(events.filter((event) => event.kind === 'run-finished' && event.backupId).map((event) => event.backupId));
  const started = new Map(events.filter((event) => event.kind === 'run-started' && event.backupId).map((event) => [event.backupId, event]));
  const rows: TimelineRow[] = [];
  for (const event of events) {
    if (event.kind === 'run-started' && event.backupId && finished.has(event.backupId)) continue;
    rows.push(rowOf(event, context, event.backupId ? started.get(event.backupId) : undefined));
  }
  return rows;
}

function rowOf(event: TimelineEvent, context: TimelineContext, startedEvent: TimelineEvent | undefined): TimelineRow {
  const base = {
    id: event.id,
    at: event.at,
    trigger: event.trigger ? TRIGGER_WORDS[event.trigger] : null,
    backupId: event.backupId ?? null,
  };
  switch (event.kind) {
    case 'run-finished':
      return { ...base, ...finishedRun(event, context, startedEvent) };
    case 'run-started':
      return event.backupId !== undefined && event.backupId === context.runningBackupId
        ? { ...base, title: 'Backup running', detail: `Backup ${event.backupId}`, tone: 'info' }
        : {
            ...base,
            title: 'Backup started, no result recorded',
            detail: 'The console stopped while this backup ran; it was not completed.',
            tone: 'warning',
          };
    case 'slot-skipped':
      return {
        ...base,
        title: event.trigger
          ? `Scheduled backup skipped: ${SKIP_REASONS[event.reason ?? ''] ?? event.reason ?? 'no reason recorded'}`
          : localizeTimes(event.summary),
        detail: null,
        tone: 'warning',
      };
    case 'catch-up':
      return { ...base, title: 'Missed backups caught up', detail: localizeTimes(event.summary), tone: 'info' };
    case 'retention-deleted':
      return {
        ...base,
        title: event.state ? 'Backup deleted by retention' : 'Unfinished backup folder removed',
        detail: `${event.backupId ?? ''}${event.reason ? `: ${event.reason}` : ''}`,
        tone: 'neutral',
      };
    case 'settings-changed':
      return { ...base, title: 'Backup settings saved', detail: afterColon(event.summary), tone: 'neutral' };
    case 'certificate-changed':
      return { ...base, title: 'Encryption certificate changed', detail: afterColon(event.summary), tone: 'neutral' };
    case 'schedule-changed':
      return { ...base, ...splitClauses(event.summary), tone: 'neutral' };
  }
}

function finishedRun(
  event: TimelineEvent,
  context: TimelineContext,
  startedEvent: TimelineEvent | undefined,
): Pick<TimelineRow, 'title' | 'detail' | 'tone'> {
  const state = event.state ?? 'Failed';
  const size = event.backupId !== undefined ? context.sizes.get(event.backupId) : undefined;
  const facts = [
    size !== undefined ? formatBytes(size) : null,
    event.durationSeconds !== undefined ? `in ${formatDuration(event.durationSeconds)}` : null,
  ]
    .filter((fact) => fact !== null)
    .join(' ');
  const backup = event.backupId ? `Backup ${event.backupId}` : null;
  const started = startedEvent ? `started ${absoluteTime(startedEvent.at)}` : null;
  if (state === 'Failed') {
    const why = event.category ? CATEGORY_WORDS[event.category] : null;
    return {
      title: why ? `Backup failed: ${why}` : 'Backup failed',
      detail: [event.reason ?? null, backup].filter(Boolean).join(' · ') || null,
      tone: 'error',
    };
  }
  return {
    title: `Backup ${STATE_WORDS[state].toLowerCase()}${facts ? ` — ${facts}` : ''}`,
    detail: [backup, started, event.reason ?? null].filter(Boolean).join(' · ') || null,
    tone: stateTone(state),
  };
}

function afterColon(summary: string): string | null {
  const colon = summary.indexOf(': ');
  return colon >= 0 ? localizeTimes(summary.slice(colon + 2)) : null;
}

function splitClauses(summary: string): Pick<TimelineRow, 'title' | 'detail'> {
  const [title = summary, ...rest] = summary.split('; ');
  const detail = rest.join('; ');
  return { title: localizeTimes(title), detail: detail ? localizeTimes(detail.charAt(0).toUpperCase() + detail.slice(1)) : null };
}
