import type { BackupTrigger, ScheduleView } from '../../../preload/api';
import type { Clock, TimerHandle } from '../clock';
import { checkFrequencyHours } from '../../../common/settings-schema';
import { invalidInput } from '../errors';
import type { TimelineSink } from '../history/timeline-sink';
import type { ScheduleState, ScheduleStore } from './schedule-state';
import { unconfiguredState } from './schedule-state';
import { countSlotsBetween, nextSlot, previousSlot, reanchorForFrequency, slotsBetween, upcomingSlots } from './slots';

export type ScheduledTrigger = Extract<BackupTrigger, 'scheduled' | 'catch-up'>;

export const SKIP_REASON_DISABLED = 'automatic backups disabled';
export const SKIP_REASON_RUNNING = 'a backup was already running';

export interface SchedulerDeps {
  clock: Clock;
  store: ScheduleStore;
  timeline: TimelineSink;
  /** Starts a backup and resolves when it has finished (success or failure). */
  runBackup(trigger: ScheduledTrigger): Promise<unknown>;
  /** True while any backup job (on-demand included) runs on this console. */
  isJobRunning(): boolean;
  /** Runs at the end of every tick and after every scheduler-started backup (retention, alerts). */
  afterTick?: () => Promise<void> | void;
  /** The last backup that finished, for the view (the share is the source of truth). */
  lastBackupTime?: () => string | null;
  onChange?: (view: ScheduleView) => void;
  onError?: (error: unknown, where: string) => void;
  /** How often the scheduler wakes up (default 60 s). A slot runs at most this late. */
  tickIntervalMs?: number;
  /** A slot reached later than this is a catch-up, not an on-time run (default 2 × tick). */
  lateToleranceMs?: number;
  /** A gap between ticks beyond interval + this means the machine slept (default 5 min). */
  driftToleranceMs?: number;
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
 * skipped, not queued; missed slots run once as a catch-up.
 */
export class Scheduler {
  private state: ScheduleState = unconfiguredState();
  private timer: TimerHandle | null = null;
  private lastTickWallMs = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight: Promise<void> | null = null;
  private started = false;
  private loaded = false;
  private readonly tickIntervalMs: number;
  private readonly lateToleranceMs: number;
  private readonly driftToleranceMs: number;

  constructor(private readonly deps: SchedulerDeps) {
    this.tickIntervalMs = deps.tickIntervalMs ?? 60_000;
    this.lateToleranceMs = deps.lateToleranceMs ?? 2 * this.tickIntervalMs;
    this.driftToleranceMs = deps.driftToleranceMs ?? 5 * 60_000;
  }

  /** Loads the persisted state, runs one catch-up if slots were missed while closed, and starts ticking. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.serial(async () => {
      await this.ensureLoaded();
      this.lastTickWallMs = this.deps.clock.now().getTime();
      await this.pass('start');
    });
    this.arm();
  }

  stop(): void {
    this.started = false;
    this.timer?.cancel();
    this.timer = null;
  }

  /** One scheduler wake-up: detects a sleep by timer drift, handles due slots, then runs afterTick. */
  tick(): Promise<void> {
    return this.serial(async () => {
      const now = this.deps.clock.now().getTime();
      const gap = now - this.lastTickWallMs;
      this.lastTickWallMs = now;
      const slept = this.started && gap > this.tickIntervalMs + this.driftToleranceMs;
      await this.pass(slept ? 'resume' : 'timer');
      await this.runAfterTick();
    });
  }

  /** Electron powerMonitor 'resume' (desktop); headless relies on drift detection in tick(). */
  onResume(): Promise<void> {
    return this.serial(async () => {
      this.lastTickWallMs = this.deps.clock.now().getTime();
      await this.pass('resume');
      await this.runAfterTick();
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

  setEnabled(enabled: boolean): Promise<ScheduleView> {
    return this.serial(async () => {
      if (enabled !== this.state.enabled) await this.applyEnabled(enabled);
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
    return {
      enabled: state.enabled,
      disabledSince: state.enabled ? null : state.disabledSince,
      frequencyHours: state.frequencyHours,
      anchor: state.anchor,
      nextBackupTime: active ? nextSlot(anchor, state.frequencyHours, now).toISOString() : null,
      lastBackupTime: this.deps.lastBackupTime?.() ?? null,
      upcoming: active ? upcomingSlots(anchor, state.frequencyHours, now, this.deps.upcomingCount ?? 5).map((d) => d.toISOString()) : [],
    };
  }

  /** The view after loading the persisted state (for hosts that never call start(), like the CLI). */
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

  private arm(): void {
    if (!this.started) return;
    this.timer = this.deps.clock.setTimer(this.tickIntervalMs, () => {
      this.arm();
      void this.tick();
    });
  }

  /** Loads the persisted state once, so a settings change before start() cannot overwrite it. */
  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    this.state = { ...unconfiguredState(), ...((await this.deps.store.load()) ?? {}) };
    this.loaded = true;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(async () => {
      await this.ensureLoaded();
      return fn();
    });
    this.chain = result.catch((error: unknown) => this.deps.onError?.(error, 'scheduler'));
    return result;
  }

  /** Handles every slot in (lastSlotHandled, now]: skipped, or one run. Never more than one run. */
  private async pass(cause: PassCause): Promise<void> {
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

    if (!this.state.enabled) {
      await this.recordSkippedSlots(anchor, frequencyHours, handled, now, due, SKIP_REASON_DISABLED);
      await markHandled();
      this.changed();
      return;
    }

    const catchUp = due > 1 || now.getTime() - latest.getTime() > this.lateToleranceMs;
    if (this.inFlight !== null || this.deps.isJobRunning()) {
      await this.record({
        kind: 'slot-skipped',
        at: latest.toISOString(),
        trigger: catchUp ? 'catch-up' : 'scheduled',
        reason: SKIP_REASON_RUNNING,
        summary: `Scheduled backup of ${latest.toISOString()} skipped: ${SKIP_REASON_RUNNING}`,
      });
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
      .then(() => this.runAfterTick())
      .finally(() => {
        this.inFlight = null;
      });
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
      await this.record({
        kind: 'slot-skipped',
        at: slot.toISOString(),
        trigger: 'scheduled',
        reason,
        summary: `Scheduled backup of ${slot.toISOString()} skipped: ${reason}`,
      });
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

  private async runAfterTick(): Promise<void> {
    try {
      await this.deps.afterTick?.();
    } catch (error) {
      this.deps.onError?.(error, 'after tick');
    }
  }

  private async save(): Promise<void> {
    await this.deps.store.save({ ...this.state });
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
