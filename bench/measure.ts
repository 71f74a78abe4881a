// Timing and CPU helpers shared by the benchmarks. CPU comes from /proc: what
// this process's reaped children used (every measured leg runs as a child
// process: the engine in `bench --child`, restic, smbclient), and what a
// process tree (smbd) used, so client and server cost are printed apart.
import { readdirSync, readFileSync } from 'node:fs';

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime, stime, cutime, cstime of one process, in seconds (fields 14–17 of /proc/<pid>/stat). */
function processCpu(pid: number | 'self'): { own: number; children: number; ppid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may contain spaces; the fields after its closing parenthesis do not.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const tick = (index: number): number => Number(fields[index - 3]) / TICKS_PER_SECOND;
  return { own: tick(14) + tick(15), children: tick(16) + tick(17), ppid: Number(fields[1]) };
}

/** CPU seconds used so far by this process's children that have exited (and theirs). */
export function childrenCpuSeconds(): number {
  return processCpu('self')!.children;
}

/** CPU seconds used so far by a process and all its descendants, living or reaped (a server: smbd and the children it forks). */
export function treeCpuSeconds(rootPid: number): number {
  const all = new Map<number, { own: number; children: number; ppid: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cpu = processCpu(Number(name));
    if (cpu) all.set(Number(name), cpu);
  }
  let total = 0;
  const visit = (pid: number): void => {
    const cpu = all.get(pid);
    if (!cpu) return;
    total += cpu.own + cpu.children;
    for (const [child, info] of all) if (info.ppid === pid) visit(child);
  };
  visit(rootPid);
  return total;
}

export interface Measured {
  seconds: number;
  /** CPU of the child processes the leg ran (the client side). */
  clientCpu: number;
  /** CPU of the server's process tree, when there is one. */
  serverCpu: number;
}

/** Runs a leg whose work happens in child processes; wall time, client CPU and (given smbd's pid) server CPU. */
export async function measured(action: () => Promise<unknown>, serverPid?: number): Promise<Measured> {
  const clientBefore = childrenCpuSeconds();
  const serverBefore = serverPid ? treeCpuSeconds(serverPid) : 0;
  const seconds = (await timed(action)) / 1000;
  return {
    seconds,
    clientCpu: childrenCpuSeconds() - clientBefore,
    serverCpu: serverPid ? treeCpuSeconds(serverPid) - serverBefore : 0,
  };
}

/**
 * Runs each leg `runs` times, interleaved, each round starting with a
 * different leg (so none always runs first, on a rested machine, or last).
 */
export async function interleaved<Leg extends string, M extends Measured = Measured>(
  legs: Record<Leg, (run: number) => Promise<M>>,
  runs: number,
): Promise<Record<Leg, M[]>> {
  const names = Object.keys(legs) as Leg[];
  const results = Object.fromEntries(names.map((name) => [name, [] as M[]])) as unknown as Record<Leg, M[]>;
  for (let run = 0; run < runs; run++)
    for (let i = 0; i < names.length; i++) {
      const name = names[(run + i) % names.length]!;
      results[name].push(await legs[name](run));
    }
  return results;
}

export const best = <M extends Measured>(runs: M[]): M => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
export const medianOf = (runs: Measured[], pick: (m: Measured) => number): number => median(runs.map(pick));

/** "best 1.23 s, median 1.40 s; client 2.1 core-s/GiB, server 1.2" for one leg. */
export function describeLeg(runs: Measured[], gib: number, withServer = false): string {
  const b = best(runs);
  const cpu = (pick: (m: Measured) => number): string =>
    `${(pick(b) / gib).toFixed(2)} (median ${(medianOf(runs, pick) / gib).toFixed(2)})`;
  return (
    `best ${b.seconds.toFixed(2)} s, median ${medianOf(runs, (m) => m.seconds).toFixed(2)} s; ` +
    `client CPU ${cpu((m) => m.clientCpu)} core-s/GiB` +
    (withServer ? `, server CPU ${cpu((m) => m.serverCpu)} core-s/GiB` : '')
  );
}
