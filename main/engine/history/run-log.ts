import type { ApiEvent, BackupState, LastRuns, RunOutcome, TimelineEvent } from '../../../preload/api';
import type { EventHub } from '../app/events';
import type { Logger } from '../app/logger';
import type { Clock, TimerHandle } from '../clock';
import { DEFAULT_MAX_EVENTS, type HistoryStore } from './history-store';
import { ownerIsDeadHere, thisProcessOwner } from '../process-alive';
import { runFinishedEvent, runInterruptedEvent, runStartedEvent } from './run-events';

type JobFinished = Extract<ApiEvent, { type: 'job-finished' }>;

/** How often the process of a run another process started is looked at (a kill(pid, 0); see process-alive.ts). */
const OWNER_LOOK_MS = 5_000;

/**
 * The one owner of "what ran": it records every job's start and end on the
 * timeline, and knows the last attempt and the last successful backup. It
 * learns of jobs from the engine's events (it subscribes before any front
 * door does, so by the time a window hears `job-finished`, the run log
 * already answers with that run), after a restart from the history, and of
 * runs another process on this station recorded (a CLI backup beside a
 * running console) from the history too: each answer first takes what was
 * added to the file since (one `stat` when nothing was).
 */
export class RunLog {
  private lastAttempt: RunOutcome | null = null;
  private lastConclusive: RunOutcome | null = null;
  private lastSuccess: RunOutcome | null = null;
  /** How old the last success was when this process learnt of it, and the elapsed-clock reading then. */
  private successSeen: { ageMs: number; atElapsedMs: number } | null = null;
  private loading: Promise<void> | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  /** Runs another process on this station started and has not ended, by backup id: its process is looked at now and then. */
  private readonly ownersWatched = new Map<string, TimerHandle>();

  constructor(private readonly deps: { history: HistoryStore; events: EventHub; clock: Clock; logger: Logger }) {
    deps.events.subscribe((event) => {
      if (event.type === 'job-started')
        this.write(
          runStartedEvent({
            backupId: event.progress.backupId,
            trigger: event.progress.trigger,
            at: event.progress.startedAt,
            owner: thisProcessOwner(),
          }),
        );
      else if (event.type === 'job-finished') this.finished(event);
      else if (event.type === 'timeline-appended' && event.recordedElsewhere) this.recordedElsewhere(event.event);
    });
  }

  /** Stops watching other processes' runs (the engine is closing). */
  close(): void {
    for (const timer of this.ownersWatched.values()) timer.cancel();
    this.ownersWatched.clear();
  }

  /** Reads the last attempt and the last success from the history, once; runs seen since are newer and kept. */
  load(): Promise<void> {
    this.loading ??= (async () => {
      await this.endInterruptedRuns();
      const isRun = (e: TimelineEvent): boolean => e.kind === 'run-finished' && e.state !== undefined;
      const attempt = await this.deps.history.findNewest(isRun);
      const conclusive = await this.deps.history.findNewest((e) => isRun(e) && isConclusive(e.state));
      const success = await this.deps.history.findNewest((e) => isRun(e) && e.state === 'Succeeded');
      this.lastAttempt ??= attempt ? outcomeOf(attempt) : null;
      this.lastConclusive ??= conclusive ? outcomeOf(conclusive) : null;
      this.lastSuccess ??= success ? outcomeOf(success) : null;
      if (this.successSeen === null && this.lastSuccess !== null) {
        const ageMs = Math.max(0, this.deps.clock.now().getTime() - Date.parse(this.lastSuccess.finishedAt));
        this.successSeen = { ageMs, atElapsedMs: this.deps.clock.elapsedMs() };
      }
    })().catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, 'history could not be read for the last runs');
    });
    return this.loading;
  }

  /** The newest run, whatever its outcome; null when none ran (since the history began). */
  async attempt(): Promise<RunOutcome | null> {
    await this.current();
    return this.lastAttempt;
  }

  /**
   * The newest run that says how the share and the sources behaved: any
   * outcome but Cancelled and Skipped. The failure alerts follow it, so
   * cancelling a job, or one that could not run, neither raises one nor closes one.
   */
  async conclusive(): Promise<RunOutcome | null> {
    await this.current();
    return this.lastConclusive;
  }

  /**
   * The Skipped backups since `since` — scheduled slots that did not run and
   * jobs that found the share locked — newest first, as rows of the backup list.
   */
  async skippedSince(since: Date): Promise<TimelineEvent[]> {
    const events = await this.deps.history.query({ kinds: ['slot-skipped', 'run-finished'], limit: DEFAULT_MAX_EVENTS });
    return events.filter((event) => event.state === 'Skipped' && event.backupId !== undefined && Date.parse(event.at) >= since.getTime());
  }

  /** The newest Succeeded run. */
  async success(): Promise<RunOutcome | null> {
    await this.current();
    return this.lastSuccess;
  }

  /**
   * How long ago the last success was, in real time: measured on the elapsed
   * clock from when this process learnt of it, so a wall-clock step since
   * (a success stamped "in the future" after the clock went back) cannot hide
   * that no backup has succeeded for hours. Null when none ever did.
   */
  async successAgeMs(): Promise<number | null> {
    await this.current();
    if (this.successSeen === null) return null;
    return this.successSeen.ageMs + (this.deps.clock.elapsedMs() - this.successSeen.atElapsedMs);
  }

  /** The last successful backup and the last attempt, for Essentials, `config show` and the tray. */
  async view(): Promise<LastRuns> {
    await this.current();
    return { lastSuccessfulBackup: this.lastSuccess, lastAttempt: this.lastAttempt };
  }

  /** The history as loaded, plus what other processes added to it since (announced, and so observed, before this resolves). */
  private async current(): Promise<void> {
    await this.load();
    try {
      await this.deps.history.refresh();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'history could not be read for runs recorded elsewhere');
    }
  }

  /**
   * A run another process recorded: it is the last attempt (success) if it ended after the one known.
   * A run it started is watched until it ends: should its process die first (killed mid-job), this
   * console records the end at once, as the next process to start would.
   */
  private recordedElsewhere(event: TimelineEvent): void {
    if (event.kind === 'run-started' && event.backupId !== undefined && event.owner !== undefined)
      this.watchOwner(event.backupId, event.owner);
    if (event.kind !== 'run-finished' || event.state === undefined) return;
    if (event.backupId !== undefined) this.stopWatching(event.backupId);
    const outcome = outcomeOf(event);
    const newer = (known: RunOutcome | null): boolean => known === null || Date.parse(outcome.finishedAt) >= Date.parse(known.finishedAt);
    if (newer(this.lastAttempt)) this.lastAttempt = outcome;
    if (isConclusive(outcome.state) && newer(this.lastConclusive)) this.lastConclusive = outcome;
    if (outcome.state === 'Succeeded' && newer(this.lastSuccess)) {
      this.lastSuccess = outcome;
      const ageMs = Math.max(0, this.deps.clock.now().getTime() - Date.parse(outcome.finishedAt));
      this.successSeen = { ageMs, atElapsedMs: this.deps.clock.elapsedMs() };
    }
  }

  /** Resolves when every run seen so far is on the timeline. */
  async whenIdle(): Promise<void> {
    await this.writes;
  }

  private finished(event: JobFinished): void {
    const backup = event.backup;
    if (!backup) return;
    const finishedAt = backup.completedAt ?? this.deps.clock.now().toISOString();
    const outcome: RunOutcome = { backupId: backup.backupId, trigger: backup.trigger, state: backup.state, finishedAt };
    if (event.error) {
      outcome.reason = event.error.message;
      if (event.error.category) outcome.category = event.error.category;
      if (event.failedDuringCopy) outcome.failedDuringCopy = true;
    }
    this.lastAttempt = outcome;
    if (isConclusive(outcome.state)) this.lastConclusive = outcome;
    if (outcome.state === 'Succeeded') {
      this.lastSuccess = outcome;
      this.successSeen = { ageMs: 0, atElapsedMs: this.deps.clock.elapsedMs() };
    }
    this.write(
      runFinishedEvent({
        backupId: outcome.backupId,
        trigger: outcome.trigger,
        state: outcome.state,
        at: finishedAt,
        durationSeconds: Math.max(0, (Date.parse(finishedAt) - Date.parse(backup.createdAt)) / 1000),
        ...(outcome.category ? { category: outcome.category } : {}),
        ...(outcome.reason ? { message: outcome.reason } : {}),
        ...(outcome.failedDuringCopy ? { failedDuringCopy: true } : {}),
      }),
    );
  }

  private watchOwner(backupId: string, owner: string): void {
    const look = (): void => {
      if (!this.ownersWatched.has(backupId)) return;
      if (!ownerIsDeadHere(owner)) {
        this.ownersWatched.set(backupId, this.deps.clock.setTimer(OWNER_LOOK_MS, look));
        return;
      }
      this.ownersWatched.delete(backupId);
      // Its end may have been written just before it died: the file first, then what is still open.
      void this.deps.history
        .refresh()
        .then(() => this.endInterruptedRuns('another-process'))
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'the end of a run cut off elsewhere could not be recorded'));
    };
    this.stopWatching(backupId);
    this.ownersWatched.set(backupId, this.deps.clock.setTimer(OWNER_LOOK_MS, look));
  }

  private stopWatching(backupId: string): void {
    this.ownersWatched.get(backupId)?.cancel();
    this.ownersWatched.delete(backupId);
  }

  /**
   * A run whose process died mid-job (a crash, a kill, a power cut) never
   * wrote its end: without one the timeline would show it running forever and
   * the last attempt would be the run before. Its end is recorded once, as
   * Failed, by the first process that finds it — only when its process is
   * known to be gone from this station (a run of another live process, or of
   * another station, is left alone).
   */
  private async endInterruptedRuns(onBehalfOf: 'this-process' | 'another-process' = 'this-process'): Promise<void> {
    const runs = await this.deps.history.query({ kinds: ['run-started', 'run-finished'], limit: DEFAULT_MAX_EVENTS });
    const finished = new Set(runs.filter((event) => event.kind === 'run-finished').map((event) => event.backupId));
    const cutOff = runs.filter(
      (event) => event.kind === 'run-started' && event.owner !== undefined && !finished.has(event.backupId) && ownerIsDeadHere(event.owner),
    );
    const now = this.deps.clock.now().toISOString();
    // Oldest first, so the newest interrupted run is the newest attempt.
    for (const started of cutOff.reverse()) {
      await this.deps.history.append(runInterruptedEvent(started, now), onBehalfOf);
      this.deps.logger.warn(
        { backupId: started.backupId, owner: started.owner },
        'a backup was cut off by the end of its process; recorded as Failed',
      );
    }
  }

  private write(event: Parameters<HistoryStore['append']>[0]): void {
    this.writes = this.writes
      .then(() => this.deps.history.append(event))
      // The history is a record, not a gate: a full disk must not stop backups.
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'timeline append failed'));
  }
}

/** Whether a run's outcome tells how the share and the sources behaved (it ran to an end of its own). */
function isConclusive(state: BackupState | undefined): boolean {
  return state !== 'Cancelled' && state !== 'Skipped';
}

function outcomeOf(event: TimelineEvent): RunOutcome {
  const outcome: RunOutcome = {
    backupId: event.backupId ?? '',
    trigger: event.trigger ?? 'on-demand',
    state: event.state ?? 'Failed',
    finishedAt: event.at,
  };
  if (event.reason !== undefined) outcome.reason = event.reason;
  if (event.category !== undefined) outcome.category = event.category;
  if (event.failedDuringCopy) outcome.failedDuringCopy = true;
  return outcome;
}
