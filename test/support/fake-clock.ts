import type { Clock, TimerHandle } from '../../main/engine/clock';

interface PendingTimer {
  id: number;
  /** Monotonic due time (ms): does not advance while the machine "sleeps". */
  dueMonotonic: number;
  fn: () => void;
  repeatMs: number | null;
}

/** Let every promise chain started by a timer callback settle (one macrotask turn). */
export function flushAsync(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A deterministic clock for tests. Three timelines, like a real machine:
 * wall time (`now()`), monotonic time (what timers count) and elapsed time
 * (monotonic plus time asleep: `elapsedMs()`). `advance` moves all three and
 * fires due timers in order, letting async work settle after each; `sleep`
 * moves wall and elapsed time but not timers, as a real suspend/resume;
 * `setWallTime` and `stepWallTime` move only wall time (a closed app, or a
 * clock step seen by a running process).
 */
export class FakeClock implements Clock {
  private wallMs: number;
  private monotonicMs = 0;
  private sleptMs = 0;
  private nextId = 1;
  private timers: PendingTimer[] = [];
  /**
   * Awaited after each timer fires, before time moves on: tests whose timer
   * callbacks do real I/O pass e.g. `() => scheduler.whenIdle()` so fake time
   * cannot run ahead of the work it triggered.
   */
  settle: (() => Promise<void>) | null = null;

  constructor(start: Date | string) {
    this.wallMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.wallMs);
  }

  elapsedMs(): number {
    return this.monotonicMs + this.sleptMs;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return this.add(ms, fn, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(ms, fn, ms);
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const targetMonotonic = this.monotonicMs + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.dueMonotonic > targetMonotonic) break;
      const step = next.dueMonotonic - this.monotonicMs;
      this.monotonicMs += step;
      this.wallMs += step;
      if (next.repeatMs === null) this.timers = this.timers.filter((t) => t !== next);
      else next.dueMonotonic += Math.max(1, next.repeatMs);
      next.fn();
      await flushAsync();
      if (this.settle) await this.settle();
    }
    this.wallMs += targetMonotonic - this.monotonicMs;
    this.monotonicMs = targetMonotonic;
    await flushAsync();
  }

  /** The machine sleeps for `ms`: wall and elapsed time move on, no timer fires and timers do not count the gap. */
  sleep(ms: number): void {
    this.wallMs += ms;
    this.sleptMs += ms;
  }

  /** Sets wall time directly (e.g. the console was closed for three days); elapsed time does not move. */
  setWallTime(at: Date | string): void {
    this.wallMs = new Date(at).getTime();
  }

  /** The wall clock steps by `ms` (either way) while the process runs; elapsed and monotonic time do not. */
  stepWallTime(ms: number): void {
    this.wallMs += ms;
  }

  private add(ms: number, fn: () => void, repeatMs: number | null): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, dueMonotonic: this.monotonicMs + Math.max(0, ms), fn, repeatMs };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (!best || t.dueMonotonic < best.dueMonotonic || (t.dueMonotonic === best.dueMonotonic && t.id < best.id)) best = t;
    }
    return best;
  }
}
