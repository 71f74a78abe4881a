import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { UtilityProcessForkerLike, UtilityProcessLike } from '../../../main/electron/electron-like';
import { CONNECT_MESSAGE, type MessagePortLike } from '../../../main/engine/host/protocol';
import { PortStandIn } from '../../unit/electron/stand-ins';

/**
 * Electron's `utilityProcess.fork`, played by `child_process.fork` so the
 * REAL built engine-host entry runs as its own Node process here (no Electron
 * binary). The entry talks over its process channel; the MessagePort main
 * hands it (one end of an in-memory MessageChannelMain) is joined to that
 * channel, so main's code is exactly what runs on the desktop.
 */
export class ForkedUtilityProcesses implements UtilityProcessForkerLike {
  readonly children: ForkedChild[] = [];
  fork(modulePath: string, args: string[] = []): ForkedChild {
    const child = new ForkedChild(
      fork(modulePath, args, {
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, IBC_LOG_LEVEL: 'warn' },
      }),
    );
    this.children.push(child);
    return child;
  }
  get latest(): ForkedChild {
    const child = this.children.at(-1);
    if (!child) throw new Error('nothing was forked');
    return child;
  }
}

export class ForkedChild implements UtilityProcessLike {
  /** What the engine host wrote to stdout/stderr (its log), for failure messages. */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly process: ChildProcess) {
    process.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    process.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // Posting to a process that just died fails with EPIPE; Electron drops such messages too.
    process.on('error', () => undefined);
    this.exited = new Promise((resolve) => process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error('the engine host did not start');
    return this.process.pid;
  }

  postMessage(message: unknown, transfer?: MessagePortLike[]): void {
    const port = transfer?.[0];
    if (message !== CONNECT_MESSAGE || !(port instanceof PortStandIn))
      throw new Error('main sends only the connect message, with its port');
    port.on('message', ({ data }) => {
      if (this.process.connected) this.process.send(data as object);
    });
    this.process.on('message', (data) => port.postMessage(data));
    this.process.once('exit', () => port.close());
    port.start();
  }

  on(_event: 'exit', listener: (code: number) => void): this {
    this.process.once('exit', (code) => listener(code ?? -1));
    return this;
  }

  kill(): boolean {
    return this.process.kill('SIGTERM');
  }
}

/** Every live process descended from `pid` (children, grandchildren…), from /proc. */
export function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // stat: "pid (comm) state ppid …" — comm may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number): void => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** True once the process has exited (a zombie nobody reaps counts as exited). */
export function hasExited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
