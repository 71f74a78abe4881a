/**
 * Child processes that die with the console. On Linux every helper we spawn
 * (smbclient, and the perl and mkfifo helpers of data-pipe.ts) is started
 * through util-linux's `setpriv --pdeathsig KILL`, which asks the kernel
 * (PR_SET_PDEATHSIG) to SIGKILL it the moment the thread that spawned it
 * exits — however the console ends, SIGKILL included — and then execs the
 * program, which keeps the setting. Without it, a smbclient blocked opening
 * the upload FIFO of a killed console waits forever, holding its remote file
 * open on the server. Where setpriv is missing (not Linux, or a stripped
 * system) programs are spawned directly, and the next console ends what a
 * killed one left running (smbclient-private-dir.ts).
 *
 * The death signal follows the spawning *thread*: the engine spawns from its
 * main thread, which lives as long as the process.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export type SpawnFunction = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

let setprivPath: string | null | undefined;

/** The setpriv program, when this system has it (looked up once, on the PATH). */
export function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
      setprivPath = candidate;
      break;
    } catch {
      // not here
    }
  }
  return setprivPath;
}

/**
 * `command args` as actually spawned: behind setpriv's parent-death signal where available.
 * `signal`: KILL for a program that must simply die; TERM for one that ends what it started itself
 * (the command-source guard of open-source.ts), since KILL cannot be caught.
 */
export function tiedCommand(
  command: string,
  args: readonly string[],
  signal: 'KILL' | 'TERM' = 'KILL',
): { command: string; args: string[] } {
  const setpriv = findSetpriv();
  if (!setpriv) return { command, args: [...args] };
  return { command: setpriv, args: ['--pdeathsig', signal, '--', command, ...args] };
}

/** Spawns `command` so that it dies with this process (see above). */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  spawnFunction: SpawnFunction = spawn,
): ChildProcess {
  const tied = tiedCommand(command, args);
  return spawnFunction(tied.command, tied.args, options);
}
