/**
 * One long-lived smbclient for a share's small operations (list, stat,
 * mkdir, rename, delete, free space — a job's lock, heartbeats, publishing
 * and catalog reads), driven over its standard input, instead of a new
 * process — a new connection, a new sign-in — for each (~45 ms of smbclient
 * starting up, measured, most of a small operation's cost). Transfers keep
 * their own streaming smbclient (smbclient-runner.ts).
 *
 * smbclient writes to a pipe through a full stdio buffer, and reads its
 * commands with stdio too while it waits on the descriptor for more: a
 * command's output would arrive only when smbclient exits, and a second
 * command already in its buffer would wait there. So it runs under
 * coreutils' `stdbuf -i0 -oL` (stdin unbuffered, stdout flushed per line).
 * Each request's commands are followed by `pwd`, whose line marks where each
 * command's output ends, as for one-shot sessions.
 *
 * Requests run one at a time, in order. Each has the operation deadline; a
 * request that reaches it, or is cancelled while smbclient works on it,
 * ends the process (a half-done command cannot be taken back), and the next
 * request starts a new one. So does a request whose output reports a lost
 * connection: smbclient never reconnects, so a retry must not meet it again. A session unused for `idleMs` is closed. When
 * stdbuf is missing (not Linux), `available()` is false and the driver runs
 * a one-shot smbclient per operation, as before.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scrubSecrets } from '../redact';
import { reportsConnectivityFailure } from './share-errors';
import type { PrivateDir } from './smbclient-private-dir';
import { prepareAuthFile, resolveProgram, spawnSmbclient, splitSegments, type SmbclientResult, type SmbEndpoint } from './smbclient-runner';

const MARKER_COMMAND = 'pwd';
const MARKER = /^Current directory is /m;

interface Running {
  child: ChildProcess;
  privateDir: PrivateDir;
  /** Output not yet handed to a request. */
  stdout: string;
  stderr: string;
  exited: boolean;
  exitCode: number | null;
  spawnError: string | undefined;
  /** Called on every output and on exit, while a request waits. */
  onChange: (() => void) | null;
}

export class SmbclientSession {
  private running: Running | null = null;
  private starting: Promise<Running> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  /** The console is stopping: no smbclient starts any more. */
  private ended = false;

  constructor(
    private readonly endpoint: SmbEndpoint,
    private readonly idleMs = 60_000,
  ) {}

  /** Whether this system can run a session (it needs coreutils' stdbuf). */
  static available(smbclientPath: string): boolean {
    return resolveProgram('stdbuf') !== null && resolveProgram(smbclientPath) !== null;
  }

  /** Runs `commands` in the session, after the requests before it; one segment of output per command. */
  run(commands: string[], signal: AbortSignal): Promise<SmbclientResult> {
    return this.enqueue(async () => this.execute(await this.start(), commands, signal));
  }

  /**
   * Runs the commands `commandsFor(localFile)` with a file of the session's
   * private folder that smbclient `put`s from (holding `data`) or `get`s into:
   * a small file travels in the session instead of a transfer's own smbclient.
   * Resolves with the file's content after the commands (null when there is
   * none); the file is removed either way.
   */
  runWithLocalFile(
    data: Buffer | null,
    commandsFor: (localFile: string) => string[],
    signal: AbortSignal,
  ): Promise<{ result: SmbclientResult; content: Buffer | null }> {
    return this.enqueue(async () => {
      const running = await this.start();
      if (running instanceof Error) return { result: await this.execute(running, [], signal), content: null };
      const localFile = path.join(running.privateDir.path, `file-${randomBytes(6).toString('hex')}`);
      try {
        if (data) await writeFile(localFile, data, { mode: 0o600, flag: 'wx' });
        const result = await this.execute(running, commandsFor(localFile), signal);
        return { result, content: await readFile(localFile).catch(() => null) };
      } finally {
        await rm(localFile, { force: true });
      }
    });
  }

  private enqueue<T>(request: () => Promise<T>): Promise<T> {
    const result = this.queue.then(request);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * The console is stopping: the request under way ends now — its smbclient is killed, not asked to
   * log off, which a server that does not answer would make wait out the deadline — and every later
   * request fails at once.
   */
  end(): void {
    this.ended = true;
    clearTimeout(this.idleTimer);
    if (this.running && !this.running.exited) this.running.child.kill('SIGKILL');
  }

  /** Ends the session's smbclient (it is started again by the next request). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.queue;
    await this.stop();
  }

  private async execute(started: Running | Error, commands: string[], signal: AbortSignal): Promise<SmbclientResult> {
    clearTimeout(this.idleTimer);
    const empty = (overrides: Partial<SmbclientResult>): SmbclientResult => ({
      exitCode: null,
      segments: [],
      transcript: '',
      timedOut: false,
      bytesIn: 0,
      dataInError: undefined,
      spawnError: undefined,
      aborted: false,
      ...overrides,
    });
    if (signal.aborted) return empty({ aborted: true });
    if (started instanceof Error) return empty({ spawnError: started.message });
    const running = started;
    // Between requests, an idle session must not keep the process alive (a CLI command that is done exits, and smbclient with it).
    holdProcessOpen(running.child, true);
    const outcome = await new Promise<SmbclientResult>((resolve) => {
      let timedOut = false;
      let aborted = false;
      const finish = (): void => {
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
        running.onChange = null;
        const markers = running.stdout.split('\n').filter((line) => MARKER.test(line)).length;
        const complete = markers >= commands.length;
        // What belongs to this request: up to its last marker (or all, when smbclient ended first).
        let taken = running.stdout;
        if (complete) {
          let seen = 0;
          let end = 0;
          for (const line of running.stdout.split('\n')) {
            end += line.length + 1;
            if (MARKER.test(line) && ++seen === commands.length) break;
          }
          taken = running.stdout.slice(0, end);
        }
        running.stdout = running.stdout.slice(taken.length);
        const stderr = running.stderr;
        running.stderr = '';
        resolve({
          exitCode: running.exitCode,
          segments: splitSegments(scrubSecrets(taken), commands.length),
          transcript: scrubSecrets(`${taken}\n${stderr}`.trim()),
          timedOut,
          bytesIn: 0,
          dataInError: undefined,
          spawnError: running.spawnError,
          aborted,
        });
      };
      const check = (): void => {
        const markers = running.stdout.split('\n').filter((line) => MARKER.test(line)).length;
        if (markers >= commands.length || running.exited) finish();
      };
      const kill = (): void => void running.child.kill('SIGKILL');
      const onAbort = (): void => {
        aborted = true;
        kill();
      };
      const deadline = setTimeout(() => {
        timedOut = true;
        kill();
      }, this.endpoint.deadlines.operationMs);
      signal.addEventListener('abort', onAbort, { once: true });
      running.onChange = check;
      running.child.stdin?.write(commands.map((command) => `${command}\n${MARKER_COMMAND}\n`).join(''));
      check();
    });
    holdProcessOpen(running.child, false);
    // smbclient does not reconnect: after the connection dropped every later command would fail the same way.
    if (running.exited || reportsConnectivityFailure(outcome.transcript)) await this.stop();
    else this.idleTimer = setTimeout(() => void this.stop(), this.idleMs).unref();
    return outcome;
  }

  /** The running session, started if need be; an Error when smbclient cannot be started. */
  private async start(): Promise<Running | Error> {
    try {
      return await this.startOrThrow();
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private async startOrThrow(): Promise<Running> {
    if (this.ended) throw new Error('the console is stopping');
    if (this.running && !this.running.exited) return this.running;
    if (this.running) await this.stop();
    this.starting ??= (async () => {
      const program = resolveProgram(this.endpoint.smbclientPath);
      const stdbuf = resolveProgram('stdbuf');
      if (!program || !stdbuf) throw new Error(`${this.endpoint.smbclientPath} or stdbuf: no such program`);
      const { privateDir, authFile, authFileRead } = await prepareAuthFile(this.endpoint);
      const child = spawnSmbclient(this.endpoint, { program, lineBuffered: stdbuf }, authFile, 1);
      const running: Running = {
        child,
        privateDir,
        stdout: '',
        stderr: '',
        exited: false,
        exitCode: null,
        spawnError: undefined,
        onChange: null,
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        authFileRead();
        running.stdout += chunk.toString('utf8');
        running.onChange?.();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        authFileRead();
        running.stderr += chunk.toString('utf8');
        running.onChange?.();
      });
      child.stdin?.on('error', () => undefined); // it may have exited
      child.once('error', (error) => {
        running.spawnError = error.message;
        running.exited = true;
        running.onChange?.();
      });
      child.once('close', (code) => {
        running.exited = true;
        running.exitCode = code;
        authFileRead();
        void privateDir.remove().catch(() => undefined);
        running.onChange?.();
      });
      this.running = running;
      return running;
    })();
    try {
      return await this.starting;
    } finally {
      this.starting = null;
    }
  }

  private async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const running = this.running;
    this.running = null;
    if (!running) return;
    if (!running.exited) {
      const gone = new Promise<void>((resolve) => running.child.once('close', () => resolve()));
      // End of commands: smbclient logs off and exits; killed if it does not within the deadline.
      running.child.stdin?.end();
      const timer = setTimeout(() => running.child.kill('SIGKILL'), this.endpoint.deadlines.operationMs);
      await gone;
      clearTimeout(timer);
    }
    await running.privateDir.remove().catch(() => undefined);
  }
}

/** Whether the child and its pipes keep this process's event loop alive. */
function holdProcessOpen(child: ChildProcess, hold: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>) {
    if (hold) handle?.ref?.();
    else handle?.unref?.();
  }
}
