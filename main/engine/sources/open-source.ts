import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { tiedCommand } from '../share/tied-child';
import { PassThrough, type Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import type { SourceDefinition } from './source';

export class SourceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFailure';
  }
}

export interface OpenedCommand {
  stream: Readable;
  /** Resolves when the command exited 0 in time; rejects with SourceFailure otherwise. */
  finished: Promise<void>;
  kill(): void;
}

const STDERR_TAIL_BYTES = 2048;
const WINDOWS = process.platform === 'win32';

/**
 * Runs a command source: its standard output is the data. A non-zero exit,
 * a signal or the timeout fail the component (with the tail of stderr, which
 * the caller scrubs before it is stored).
 */
export function openCommandSource(source: Extract<SourceDefinition, { kind: 'command' }>): OpenedCommand {
  // The platform's shell: /bin/sh -c on Linux, %ComSpec% (cmd.exe) /d /s /c on Windows, which has no /bin/sh.
  // On Linux the command leads its own process group, so a kill reaches what it started.
  const child = WINDOWS
    ? spawn(source.command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    : spawnGuarded(source.command);
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  child.stdout.pipe(output);
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  let timedOut = false;
  const killGroup = (): void => {
    if (!child.pid) return;
    if (WINDOWS) {
      // Windows has no process groups: taskkill /T ends the shell and everything it started.
      const taskkill = spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
      taskkill.once('error', () => child.kill());
      taskkill.once('exit', (code) => code !== 0 && child.kill());
      return;
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, source.timeoutSeconds * 1000);
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new SourceFailure(`The command could not be started: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new SourceFailure(`The command did not finish within ${source.timeoutSeconds} s and was stopped.`));
      else if (code !== 0)
        reject(
          new SourceFailure(
            `The command exited with ${code === null ? `signal ${signal}` : `status ${code}`}.${stderrTail.trim() ? ` Its last error output: ${stderrTail.trim()}` : ''}`,
          ),
        );
      else resolve();
    });
  });
  // Keep the promise from being reported as unhandled before the caller awaits it.
  finished.catch(() => undefined);
  return { stream: output, finished, kill: killGroup };
}

/**
 * The command under a guard shell that leads its process group and, told by the kernel that the
 * console died (setpriv's parent-death signal, tied-child.ts: TERM, which it can catch), kills the
 * whole group: a console killed mid-backup (SIGKILL, a crash) left `sh -c CMD` and what it started
 * running — a dump that writes dies of SIGPIPE, but one that waits lingered for good. The guard's
 * exit status is the command's (`wait`). Without setpriv, the command runs under the guard all the same.
 */
function spawnGuarded(command: string): ChildProcessByStdio<null, Readable, Readable> {
  const guarded = tiedCommand(
    '/bin/sh',
    ['-c', 'trap "kill -s KILL 0" TERM; /bin/sh -c "$1" & wait $!', 'ibc-command-source', command],
    'TERM',
  );
  return spawn(guarded.command, guarded.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

export async function checkFolderSource(source: Extract<SourceDefinition, { kind: 'folder' }>): Promise<void> {
  let info;
  try {
    info = await stat(source.folder);
  } catch {
    throw new SourceFailure(`The folder ${source.folder} does not exist or cannot be read.`);
  }
  if (!info.isDirectory()) throw new SourceFailure(`${source.folder} is not a folder.`);
}
