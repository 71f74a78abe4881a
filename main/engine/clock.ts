import { uptime } from 'node:os';

/**
 * The clock every time-driven part of the engine (scheduler, retention,
 * history, alerts) reads. It is injected so unit tests drive time with a fake
 * clock instead of waiting, and can simulate a machine that sleeps or whose
 * wall clock steps.
 *
 * Three kinds of time, as on a real machine:
 * - `now()` is wall time: what slots and records are written in. It can step
 *   either way (an administrator, NTP correcting a wrong clock, a VM restored).
 * - `elapsedMs()` is real time elapsed since an arbitrary origin, counting
 *   time asleep and never stepping: what intervals and ages are measured in.
 * - `setTimer` is a one-shot timer measured on the monotonic clock, exactly
 *   like Node's `setTimeout`: while the machine sleeps, pending timers do not
 *   advance. A timer that fires much later in elapsed time than it was set for
 *   means the machine slept; wall time moving more or less than elapsed time
 *   between two wake-ups means the wall clock stepped.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Milliseconds since an arbitrary origin; counts sleep, immune to wall-clock steps. */
  elapsedMs(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Repeating timer; same shape as the backup job's clock so one object serves both. */
  setInterval(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => new Date(),
  // The system's uptime: CLOCK_BOOTTIME on Linux (counts suspend, never steps), GetTickCount64 on Windows.
  elapsedMs: () => uptime() * 1000,
  setTimer: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    // A scheduler timer must never keep a CLI process alive on its own.
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    handle.unref?.();
    return { cancel: () => clearInterval(handle) };
  },
};

/**
 * The clock of this process: the system clock, or — in tests only — the
 * system clock shifted by `IBC_TEST_CLOCK_OFFSET_MS` milliseconds, so a test
 * can run the real CLI process seconds before a scheduled slot. The variable
 * is read only when `NODE_ENV` is `test` (vitest sets it, and a spawned
 * console inherits it); any other process ignores it.
 */
export function processClock(env: Readonly<Record<string, string | undefined>> = process.env): Clock {
  if (env.NODE_ENV !== 'test') return systemClock;
  const offsetMs = Number(env.IBC_TEST_CLOCK_OFFSET_MS ?? 0);
  if (!Number.isFinite(offsetMs) || offsetMs === 0) return systemClock;
  return { ...systemClock, now: () => new Date(Date.now() + offsetMs) };
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
