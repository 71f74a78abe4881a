import type { BackupTrigger, ScheduleView } from '../../../preload/api';
import { HOUR_MS, type Clock, type TimerHandle } from '../clock';
import { checkFrequencyHours } from '../../../common/settings-schema';
import { invalidInput } from '../errors';
import type { TimelineSink } from '../history/timeline-sink';
import { slotSkippedEvent } from '../history/run-events';
import type { ScheduleState, ScheduleStore } from './schedule-state';
import { unconfiguredState } from './schedule-state';
import { mergeScheduleStates, sameScheduleState } from './schedule-merge';
import { countSlotsBetween, nextSlot, previousSlot, reanchorForFrequency, slotsBetween, upcomingSlots } from './slots';

export type ScheduledTrigger = Extract<BackupTrigger, 'scheduled' | 'catch-up'>;

export const SKIP_REASON_DISABLED = 'automatic backups disabled';
export const SKIP_REASON_RUNNING = 'a backup was already running';

/** Why a slot inside a maintenance pause was skipped: the operator's reason, in the list and the timeline. */
export function pausedReason(pause: { until: string; reason: string }): string {
  return `backups paused until ${pause.until}: ${pause.reason}`;
}

export interface SchedulerDeps {
  clock: Clock;
  store: ScheduleStore;
  timeline: TimelineSink;
  /** Starts a backup and resolves when it has finished (success or failure). */
  runBackup(trigger: ScheduledTrigger): Promise<unknown>;
  /** True while any backup job (on-demand included) runs on this console. */
  isJobRunning(): boolean;
  onChange?: (view: ScheduleView) => void;
  onError?: (error: unknown, where: string) => void;
  /** The longest the scheduler sleeps between wake-ups (default 60 s); it also wakes at every slot. */
  tickIntervalMs?: number;
  /** A slot reached later than this is a catch-up, not an on-time run (default 2 × tick). */
  lateToleranceMs?: number;
  /** Elapsed time between ticks beyond interval + this means the machine slept (default 5 min). */
  driftToleranceMs?: number;
  /** Wall time moving more or less than elapsed time between ticks by more than this is a clock step (default 10 s). */
  stepToleranceMs?: number;
  upcomingCount?: number;
  /** At most this many slot-skipped events per pass; older ones are summarised in one event. */
  maxSkippedEventsPerPass?: number;
}

type PassCause = 'timer' | 'start' | 'resume';

const CAUSE_TEXT: Record<PassCause, string> = {
  start: 'the console was closed',
  resume: 'the machine was asleep',
  timer: 'the console could not run them on time',
};

/**
 * Runs scheduled backups on anchor + k × frequency. All state lives in
 * ScheduleState (persisted through the store after every change); all time
 * comes from the injected clock. Rules (docs/SCHEDULING.md): the first
 * configuration starts the schedule; on-demand backups never move it;
 * disabled slots are recorded as skipped; a slot during a running job is
 * skipped, not queued; missed slots run once as a catch-up. The store may be
 * shared with other processes (a one-shot `schedule pause` beside a running
 * `service`): every operation starts from what they saved, and no save
 * overwrites it (adoptSavedElsewhere, save).
 */
export class Scheduler {
  private state: ScheduleState = unconfiguredState();
  /** The state as this scheduler last read or wrote it in the store (null: none there): what tells another process's save apart. */
  private stored: ScheduleState | null = null;
  private timer: TimerHandle | null = null;
  private lastTickWallMs = 0;
  private lastTickElapsedMs = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight: Promise<void> | null = null;
  private started = false;
  private loaded = false;
  private readonly tickIntervalMs: number;
  private readonly lateToleranceMs: number;
  private readonly driftToleranceMs: number;
  private readonly stepToleranceMs: number;

  constructor(private readonly deps: SchedulerDeps) {
    this.tickIntervalMs = deps.tickIntervalMs ?? 60_000;
    this.lateToleranceMs = deps.lateToleranceMs ?? 2 * this.tickIntervalMs;
    this.driftToleranceMs = deps.driftToleranceMs ?? 5 * 60_000;
    this.stepToleranceMs = deps.stepToleranceMs ?? 10_000;
  }

  /** Loads the persisted state, runs one catch-up if slots were missed while closed, and starts ticking. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.serial(async () => {
      await this.ensureLoaded();
      this.markTick();
      await this.pass('start');
    });
    this.arm();
  }

  stop(): void {
    this.started = false;
    this.timer?.cancel();
    this.timer = null;
  }

  /**
   * One scheduler wake-up. Between two wake-ups the timer counted at most one
   * tick interval of monotonic time; elapsed time (which counts sleep) tells
   * whether the machine slept, and wall time moving otherwise than elapsed
   * time tells that the wall clock stepped. Then it handles due slots.
   */
  tick(): Promise<void> {
    return this.serial(async () => {
      const wallDelta = this.deps.clock.now().getTime() - this.lastTickWallMs;
      const elapsedDelta = this.deps.clock.elapsedMs() - this.lastTickElapsedMs;
      this.markTick();
      const stepMs = wallDelta - elapsedDelta;
      if (this.started && Math.abs(stepMs) > this.stepToleranceMs) await this.followClockStep(stepMs);
      const slept = this.started && elapsedDelta > this.tickIntervalMs + this.driftToleranceMs;
      await this.pass(slept ? 'resume' : 'timer');
    });
  }

  /** Electron powerMonitor 'resume' (desktop); headless relies on drift detection in tick(). */
  onResume(): Promise<void> {
    return this.serial(async () => {
      this.markTick();
      await this.pass('resume');
    });
  }

  /**
   * Applies the backup settings. The first call with a configured backup
   * starts the schedule: anchor = now, first automatic backup = now + frequency.
   */
  configure(settings: { frequencyHours: number; enabled: boolean }): Promise<ScheduleView> {
    return this.serial(async () => {
      if (this.state.anchor === null) {
        const now = this.deps.clock.now();
        this.state = {
          anchor: now.toISOString(),
          frequencyHours: settings.frequencyHours,
          enabled: settings.enabled,
          disabledSince: settings.enabled ? null : now.toISOString(),
          nextBackupTime: nextSlot(now, settings.frequencyHours, now).toISOString(),
          lastSlotHandled: now.toISOString(),
          pause: null,
        };
        await this.save();
        await this.record({
          kind: 'schedule-changed',
          summary: settings.enabled
            ? `Automatic backups start: every ${settings.frequencyHours} h, first at ${this.state.nextBackupTime}`
            : `Backup configured with automatic backups disabled (every ${settings.frequencyHours} h when enabled)`,
        });
        this.changed();
        return this.view();
      }
      if (settings.frequencyHours !== this.state.frequencyHours) await this.applyFrequency(settings.frequencyHours);
      if (settings.enabled !== this.state.enabled) await this.applyEnabled(settings.enabled);
      return this.view();
    });
  }

  /** Keeps the schedule in step with the backup settings (the first configuration starts it). */
  async follow(settings: { configured: boolean; frequencyHours: number; automaticBackups: boolean }): Promise<ScheduleView> {
    if (!settings.configured) return this.current();
    // Configured by another process (`config set` beside a running `service`): configure() starts
    // from the schedule that process started and saved, rather than starting a second one.
    return this.configure({ frequencyHours: settings.frequencyHours, enabled: settings.automaticBackups });
  }

  setEnabled(enabled: boolean): Promise<ScheduleView> {
    return this.serial(async () => {
      if (enabled !== this.state.enabled) await this.applyEnabled(enabled);
      return this.view();
    });
  }

  /**
   * A maintenance pause (Azure Stack pauses backups during updates): until
   * `until`, scheduled slots are recorded Skipped with the reason. It ends by
   * itself at `until`; slots after it run as usual (no catch-up for paused ones).
   */
  pause(input: { until: string; reason: string }): Promise<ScheduleView> {
    return this.serial(async () => {
      const now = this.deps.clock.now();
      if (!(Date.parse(input.until) > now.getTime()))
        throw invalidInput('until', `The pause must end in the future (it is ${now.toISOString()} now).`, 'Give a later --until time.');
      // No pass here: a one-shot CLI must not start a due backup on its way to pausing.
      this.state.pause = { since: now.toISOString(), until: new Date(input.until).toISOString(), reason: input.reason };
      await this.save();
      await this.record({ kind: 'schedule-changed', summary: `Backups paused until ${this.state.pause.until}: ${input.reason}` });
      this.changed();
      return this.view();
    });
  }

  /** Backup configuration was cleared: no schedule until the next first configuration starts a new one. */
  reset(): Promise<ScheduleView> {
    return this.serial(async () => {
      this.state = { ...unconfiguredState(), frequencyHours: this.state.frequencyHours };
      await this.save();
      await this.record({
        kind: 'schedule-changed',
        summary: 'Backup configuration cleared: no automatic backups until backup is configured again',
      });
      this.changed();
      return this.view();
    });
  }

  /** Ends a maintenance pause now; the next slot runs as usual. */
  resume(): Promise<ScheduleView> {
    return this.serial(async () => {
      const now = this.deps.clock.now();
      if (this.state.pause === null) return this.view();
      if (Date.parse(this.state.pause.until) <= now.getTime()) {
        await this.expirePause(now);
        return this.view();
      }
      // With the pause in force the pass only records the paused slots as Skipped; it starts nothing.
      await this.pass('timer');
      await this.endPause(now, 'resumed');
      return this.view();
    });
  }

  async setFrequency(frequencyHours: number): Promise<ScheduleView> {
    assertFrequency(frequencyHours);
    return this.serial(async () => {
      if (frequencyHours !== this.state.frequencyHours) await this.applyFrequency(frequencyHours);
      return this.view();
    });
  }

  /** What the schedule would look like with another frequency; nothing is saved. */
  previewFrequency(frequencyHours: number): ScheduleView {
    assertFrequency(frequencyHours);
    return this.view(this.withFrequency(this.state, frequencyHours));
  }

  view(state: ScheduleState = this.state): ScheduleView {
    const now = this.deps.clock.now();
    const anchor = state.anchor === null ? null : new Date(state.anchor);
    const active = anchor !== null && state.enabled;
    // A pause past its end is over, whether or not a pass has recorded that yet.
    const pause = state.pause && Date.parse(state.pause.until) > now.getTime() ? { ...state.pause } : null;
    // The slots a pause skips are not next: the next backup is the first slot from the pause's end on.
    const from = pause ? new Date(Date.parse(pause.until) - 1) : now;
    return {
      enabled: state.enabled,
      disabledSince: state.enabled ? null : state.disabledSince,
      frequencyHours: state.frequencyHours,
      anchor: state.anchor,
      nextBackupTime: active ? nextSlot(anchor, state.frequencyHours, from).toISOString() : null,
      upcoming: active ? upcomingSlots(anchor, state.frequencyHours, from, this.deps.upcomingCount ?? 5).map((d) => d.toISOString()) : [],
      pause,
    };
  }

  /**
   * The view after loading the persisted state (for hosts that never call start(), like the CLI),
   * and after adopting what another process saved since (a watch on the store calls it for that).
   */
  current(): Promise<ScheduleView> {
    return this.serial(async () => this.view());
  }

  /** A copy of the persisted state (for tests and diagnostics). */
  snapshot(): ScheduleState {
    return { ...this.state };
  }

  /** Resolves when the backup the scheduler started (if any) has finished. */
  async whenIdle(): Promise<void> {
    await this.chain;
    await this.inFlight;
  }

  // ─── internals ───

  /**
   * The next wake-up: at the next slot, and never later than one tick
   * interval (sleep and clock-step detection need regular ticks). Armed
   * before the tick runs, so the following slot is the one after now.
   */
  private arm(): void {
    if (!this.started) return;
    this.timer = this.deps.clock.setTimer(this.msUntilNextWake(), () => {
      this.arm();
      void this.tick();
    });
  }

  private msUntilNextWake(): number {
    const { anchor, frequencyHours, lastSlotHandled } = this.state;
    if (anchor === null) return this.tickIntervalMs;
    const now = this.deps.clock.now();
    const handled = new Date(lastSlotHandled ?? anchor);
    const after = handled.getTime() > now.getTime() ? handled : now;
    const untilSlot = nextSlot(new Date(anchor), frequencyHours, after).getTime() - now.getTime();
    return Math.max(1, Math.min(this.tickIntervalMs, untilSlot));
  }

  /** Loads the persisted state once, so a settings change before start() cannot overwrite it. */
  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    const saved = await this.deps.store.load();
    this.state = { ...unconfiguredState(), ...(saved ?? {}) };
    this.stored = saved;
    this.loaded = true;
  }

  /**
   * Takes what another process saved since this one last read or wrote the store (a one-shot
   * `schedule pause`, `resume`, `enable` or `disable` beside a running console), merged part by
   * part with this one's state (schedule-merge.ts); true when there was any. A store that is gone
   * or unreadable has nothing to adopt: the next save writes this one's state.
   */
  private async adoptSavedElsewhere(): Promise<boolean> {
    const onDisk = await this.deps.store.load();
    if (onDisk === null || sameScheduleState(onDisk, this.stored)) return false;
    this.state = mergeScheduleStates(this.stored, this.state, onDisk);
    this.stored = onDisk;
    return true;
  }

  /** Every operation runs alone, and starts from what another process may have saved meanwhile. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(async () => {
      await this.ensureLoaded();
      if (await this.adoptSavedElsewhere()) this.changed();
      return fn();
    });
    this.chain = result.catch((error: unknown) => this.deps.onError?.(error, 'scheduler'));
    return result;
  }

  private markTick(): void {
    this.lastTickWallMs = this.deps.clock.now().getTime();
    this.lastTickElapsedMs = this.deps.clock.elapsedMs();
  }

  /**
   * The wall clock stepped by `stepMs` (either way) while the console ran:
   * the schedule moves with it, so the next backup happens when it would
   * have in real time — a forward jump corrected later neither runs a
   * catch-up for slots that never passed nor stops backups for the jump's
   * length.
   */
  private async followClockStep(stepMs: number): Promise<void> {
    const { anchor, lastSlotHandled, frequencyHours } = this.state;
    if (anchor === null) return;
    const now = this.deps.clock.now();
    const shifted = new Date(Date.parse(anchor) + stepMs);
    this.state.anchor = shifted.toISOString();
    if (lastSlotHandled !== null) this.state.lastSlotHandled = new Date(Date.parse(lastSlotHandled) + stepMs).toISOString();
    this.state.nextBackupTime = nextSlot(shifted, frequencyHours, now).toISOString();
    await this.save();
    await this.record({
      kind: 'schedule-changed',
      summary: `The wall clock stepped ${stepMs > 0 ? 'forward' : 'back'} by ${formatStep(Math.abs(stepMs))}; the schedule moved with it, so backups keep their rhythm: next backup at ${this.state.nextBackupTime}`,
    });
    this.changed();
  }

  /**
   * The schedule's last handled slot (or its anchor) lies ahead of the wall
   * clock: it went back without a running console seeing the step (while
   * closed, or on a system that cannot tell). Slots up to now count as
   * handled and the anchor moves back by whole periods, keeping its phase:
   * the next backup is the next slot after now, and it runs.
   */
  private async catchUpWithClock(now: Date): Promise<void> {
    const { anchor: anchorIso, frequencyHours, lastSlotHandled } = this.state;
    if (anchorIso === null) return;
    const periodMs = frequencyHours * HOUR_MS;
    let anchorMs = Date.parse(anchorIso);
    const handledMs = Date.parse(lastSlotHandled ?? anchorIso);
    if (anchorMs <= now.getTime() && handledMs <= now.getTime()) return;
    if (anchorMs > now.getTime()) anchorMs -= Math.ceil((anchorMs - now.getTime()) / periodMs) * periodMs;
    const anchor = new Date(anchorMs);
    this.state.anchor = anchor.toISOString();
    this.state.lastSlotHandled = (previousSlot(anchor, frequencyHours, now) ?? anchor).toISOString();
    this.state.nextBackupTime = nextSlot(anchor, frequencyHours, now).toISOString();
    await this.save();
    await this.record({
      kind: 'schedule-changed',
      summary: `The wall clock is behind the schedule (it was set back): the schedule continues from now; next backup at ${this.state.nextBackupTime}`,
    });
    this.changed();
  }

  /** Handles every slot in (lastSlotHandled, now]: skipped, or one run. Never more than one run. */
  private async pass(cause: PassCause): Promise<void> {
    await this.catchUpWithClock(this.deps.clock.now());
    await this.expirePause(this.deps.clock.now());
    const { anchor: anchorIso, frequencyHours } = this.state;
    if (anchorIso === null) return;
    const now = this.deps.clock.now();
    const anchor = new Date(anchorIso);
    const handled = new Date(this.state.lastSlotHandled ?? anchorIso);
    const due = countSlotsBetween(anchor, frequencyHours, handled, now);
    if (due === 0) return;
    const latest = previousSlot(anchor, frequencyHours, now) ?? anchor;
    const markHandled = async (): Promise<void> => {
      this.state.lastSlotHandled = latest.toISOString();
      this.state.nextBackupTime = nextSlot(anchor, frequencyHours, now).toISOString();
      await this.save();
    };

    if (this.state.pause !== null) {
      await this.recordSkippedSlots(anchor, frequencyHours, handled, now, due, pausedReason(this.state.pause));
      await markHandled();
      this.changed();
      return;
    }

    if (!this.state.enabled) {
      await this.recordSkippedSlots(anchor, frequencyHours, handled, now, due, SKIP_REASON_DISABLED);
      await markHandled();
      this.changed();
      return;
    }

    const catchUp = due > 1 || now.getTime() - latest.getTime() > this.lateToleranceMs;
    if (this.inFlight !== null || this.deps.isJobRunning()) {
      await this.record(
        slotSkippedEvent({ at: latest.toISOString(), trigger: catchUp ? 'catch-up' : 'scheduled', reason: SKIP_REASON_RUNNING }),
      );
      await markHandled();
      this.changed();
      return;
    }

    // Persist before starting: a crash during the run must not replay the slot on every start.
    await markHandled();
    const trigger: ScheduledTrigger = catchUp ? 'catch-up' : 'scheduled';
    if (catchUp) {
      await this.record({
        kind: 'catch-up',
        trigger: 'catch-up',
        reason: CAUSE_TEXT[cause],
        summary: `Catch-up backup: ${due} scheduled ${due === 1 ? 'slot was' : 'slots were'} missed while ${CAUSE_TEXT[cause]} (last ${latest.toISOString()}); running one backup now`,
      });
    }
    this.changed();
    this.inFlight = this.deps
      .runBackup(trigger)
      .then(
        () => undefined,
        (error: unknown) => this.deps.onError?.(error, `${trigger} backup`),
      )
      .finally(() => {
        this.inFlight = null;
      });
  }

  /**
   * A pause whose end has passed: the slots inside it are recorded Skipped,
   * then it ends; the slots after it are handled by the pass as usual.
   */
  private async expirePause(now: Date): Promise<void> {
    const pause = this.state.pause;
    if (pause === null || Date.parse(pause.until) > now.getTime()) return;
    const until = new Date(pause.until);
    const { anchor: anchorIso, frequencyHours } = this.state;
    if (anchorIso !== null) {
      const anchor = new Date(anchorIso);
      const handled = new Date(this.state.lastSlotHandled ?? anchorIso);
      const due = countSlotsBetween(anchor, frequencyHours, handled, until);
      if (due > 0) {
        await this.recordSkippedSlots(anchor, frequencyHours, handled, until, due, pausedReason(pause));
        this.state.lastSlotHandled = (previousSlot(anchor, frequencyHours, until) ?? anchor).toISOString();
      }
    }
    await this.endPause(until, 'ended');
  }

  private async endPause(at: Date, how: 'ended' | 'resumed'): Promise<void> {
    const pause = this.state.pause;
    this.state.pause = null;
    if (this.state.anchor !== null && how === 'resumed') {
      // Slots inside the pause were skipped, not missed: no catch-up for them.
      const anchor = new Date(this.state.anchor);
      this.state.lastSlotHandled = (previousSlot(anchor, this.state.frequencyHours, at) ?? anchor).toISOString();
      this.state.nextBackupTime = nextSlot(anchor, this.state.frequencyHours, at).toISOString();
    }
    await this.save();
    await this.record({
      kind: 'schedule-changed',
      summary:
        how === 'resumed'
          ? `Backups resumed (paused since ${pause?.since ?? '?'}: ${pause?.reason ?? ''})`
          : `The maintenance pause ended at ${at.toISOString()}; scheduled backups run again`,
    });
    this.changed();
  }

  private async recordSkippedSlots(
    anchor: Date,
    frequencyHours: number,
    handled: Date,
    now: Date,
    due: number,
    reason: string,
  ): Promise<void> {
    const max = this.deps.maxSkippedEventsPerPass ?? 50;
    let from = handled;
    if (due > max) {
      // Only the latest `max` slots get an event each; the older ones are counted in one.
      const firstListed = slotsBetween(anchor, frequencyHours, handled, now).slice(-max)[0] ?? now;
      await this.record({
        kind: 'slot-skipped',
        at: firstListed.toISOString(),
        reason,
        summary: `${due - max} earlier scheduled backups skipped: ${reason}`,
      });
      from = new Date(firstListed.getTime() - 1);
    }
    for (const slot of slotsBetween(anchor, frequencyHours, from, now, max)) {
      await this.record(slotSkippedEvent({ at: slot.toISOString(), trigger: 'scheduled', reason }));
    }
  }

  private async applyEnabled(enabled: boolean): Promise<void> {
    const now = this.deps.clock.now();
    if (enabled) {
      // Slots that passed while disabled are recorded as skipped before the switch.
      await this.pass('timer');
      this.state.enabled = true;
      this.state.disabledSince = null;
      if (this.state.anchor !== null) {
        const anchor = new Date(this.state.anchor);
        this.state.lastSlotHandled = (previousSlot(anchor, this.state.frequencyHours, now) ?? anchor).toISOString();
        this.state.nextBackupTime = nextSlot(anchor, this.state.frequencyHours, now).toISOString();
      }
    } else {
      this.state.enabled = false;
      this.state.disabledSince = now.toISOString();
    }
    await this.save();
    await this.record({
      kind: 'schedule-changed',
      summary: enabled
        ? `Automatic backups enabled${this.state.nextBackupTime ? `; next backup at ${this.state.nextBackupTime}` : ''}`
        : 'Automatic backups disabled; scheduled slots will be recorded as skipped',
    });
    this.changed();
  }

  private async applyFrequency(frequencyHours: number): Promise<void> {
    await this.pass('timer');
    const before = this.state.frequencyHours;
    this.state = this.withFrequency(this.state, frequencyHours);
    await this.save();
    if (this.state.anchor !== null) {
      await this.record({
        kind: 'schedule-changed',
        summary: `Backup frequency changed from ${before} h to ${frequencyHours} h; next backup at ${this.state.nextBackupTime}`,
      });
    }
    this.changed();
  }

  /** The frequency-change rule (docs/SCHEDULING.md), as a pure state transformation. */
  private withFrequency(state: ScheduleState, frequencyHours: number): ScheduleState {
    if (state.anchor === null) return { ...state, frequencyHours };
    const now = this.deps.clock.now();
    const anchor = reanchorForFrequency(new Date(state.anchor), state.frequencyHours, now);
    return {
      ...state,
      anchor: anchor.toISOString(),
      frequencyHours,
      lastSlotHandled: (previousSlot(anchor, frequencyHours, now) ?? anchor).toISOString(),
      nextBackupTime: nextSlot(anchor, frequencyHours, now).toISOString(),
    };
  }

  /**
   * Compare before write: what another process saved since this one last read the store is merged
   * in first, so its change survives this write. That is enough because this scheduler's reads and
   * writes all run on its one serial chain — nothing of ours writes between the compare and the
   * write — and the file store's read and atomic replace are synchronous, with nothing between them
   * but promise resolution: another process's save would have to land within those microseconds.
   * The other writers (one-shot commands, another console) run this same code, so they compare too.
   * A lock file would close that last window, at the price of a stale lock a killed process leaves.
   */
  private async save(): Promise<void> {
    await this.adoptSavedElsewhere();
    const state = { ...this.state };
    await this.deps.store.save(state);
    this.stored = state;
  }

  private async record(event: Parameters<TimelineSink['append']>[0]): Promise<void> {
    try {
      await this.deps.timeline.append(event);
    } catch (error) {
      // The history is a record, not a gate: a full disk must not stop backups.
      this.deps.onError?.(error, 'timeline');
    }
  }

  private changed(): void {
    this.deps.onChange?.(this.view());
  }
}

export function assertFrequency(frequencyHours: number): void {
  const problem = checkFrequencyHours(frequencyHours);
  if (problem) throw invalidInput('frequencyHours', problem);
}

function formatStep(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
