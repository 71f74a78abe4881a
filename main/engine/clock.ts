/**
 * The clock every time-driven part of the engine (scheduler, retention,
 * history, alerts) reads. It is injected so unit tests drive time with a fake
 * clock instead of waiting, and can simulate a machine that sleeps.
 *
 * `setTimer` is a one-shot timer measured on the monotonic clock, exactly like
 * Node's `setTimeout`: while the machine sleeps, wall time (`now()`) moves on
 * but pending timers do not advance. That is why the scheduler detects resume
 * by comparing wall time between ticks (timer drift).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Repeating timer; same shape as the backup job's clock so one object serves both. */
  setInterval(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => new Date(),
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
