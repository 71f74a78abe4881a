/**
 * Runs the system `smbclient` safely. Why not samba-client's own spawning:
 * samba-client 7 builds `-U user%password` into argv (visible to every user
 * through /proc and `ps`) and embeds that command line in its errors, and it
 * joins commands with `-c "...;..."`, which smbclient splits on `;` — a
 * folder named `a;b` would run a second command. Its spawning cannot be
 * fixed from outside, so this module spawns smbclient itself:
 *
 * - credentials travel in an auth file (`-A`, mode 0600, in a private 0700
 *   folder of a per-user runtime folder, smbclient-private-dir.ts) that is
 *   deleted as soon as smbclient has read it (a password starting with a
 *   space goes through a pipe instead, see passwordNeedsPipe);
 * - commands go on standard input, one per line, each argument in double
 *   quotes (names were checked: no `"` and no control characters can occur),
 *   and every command is followed by `pwd`, whose "Current directory is"
 *   line marks where that command's output ends — so results are parsed per
 *   command (smbclient keeps going after a failure, and its exit status only
 *   reflects connection problems);
 * - file data never touches the local disk, and flows through real,
 *   enlarged pipes (data-pipe.ts says which, why and how): an upload is a
 *   `put` from a FIFO, followed in the same session by any other commands;
 *   a download is `get <name> /dev/fd/3`.
 */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Transform, type PassThrough, type Readable, type Writable } from 'node:stream';
import { scrubSecrets } from '../redact';
import { closeFd, createUploadFifo, openDownloadPipe, type PipeEnds, type UploadFifo } from './data-pipe';
import { readDownloadPipe } from './download-reader';
import { ShareError } from './share-errors';
import { createPrivateDir, privateRoot, type PrivateDir } from './smbclient-private-dir';
import { spawnTied, type SpawnFunction } from './tied-child';
import { WritingSocket } from './lent-buffers';

export type { SpawnFunction };

/** How long one smbclient may take, per call class. Defaults: DEFAULT_DEADLINES. */
export interface SmbDeadlines {
  /** A session of small commands (list, mkdir, rename, delete…) is ended this long after it started. */
  operationMs: number;
  /** A transfer is ended when smbclient has taken or given no byte (and printed nothing) this long while we waited on it. */
  stallMs: number;
}

export const DEFAULT_DEADLINES: SmbDeadlines = { operationMs: 60_000, stallMs: 60_000 };

export interface SmbEndpoint {
  /** A DNS name, IPv4 address, or bare IPv6 address (common/host-address.ts). */
  host: string;
  port: number;
  share: string;
  username: string;
  /** NetBIOS or DNS domain; '' for none (a standalone server accepts any). */
  domain: string;
  password: string;
  /** smbclient's own timeout for each request to the server (`-t`). */
  timeoutSeconds: number;
  /** Our bounds on each smbclient, per call class (see Watchdog). */
  deadlines: SmbDeadlines;
  /** The console's config folder: smbclient's private folders live under it unless XDG_RUNTIME_DIR is private (smbclient-private-dir.ts). */
  configDir: string;
  /** 'desired' encrypts whenever the server offers it. */
  encryption: 'desired' | 'required' | 'off';
  smbclientPath: string;
  spawn: SpawnFunction;
}

export interface SmbclientRunOptions {
  /** Command lines, arguments already quoted with `quoteArgument`. */
  commands: string[];
  /**
   * Streams `source` to the remote path `remote` (`put` from a FIFO) as the
   * session's first command; its output is the first segment, and
   * `commands` run after it in the same session.
   */
  upload?: { source: Readable; remote: string };
  /** Receives what smbclient writes to /dev/fd/3 (for `get … /dev/fd/3`). */
  dataOut?: PassThrough;
  /** smbclient debug level (`-d`); 5 reports the dialect and encryption. */
  debugLevel?: number;
  /** Called with the number of bytes handed to smbclient so far. */
  onDataBytes?: (bytes: number) => void;
  /** Kills smbclient when aborted; the result then says `aborted`. */
  signal?: AbortSignal;
}

export interface SmbclientResult {
  exitCode: number | null;
  /** Output of each command, in order; missing entries never ran or never finished. */
  segments: string[];
  /** Everything smbclient printed, scrubbed (for classification and logs). */
  transcript: string;
  timedOut: boolean;
  /** Bytes handed to smbclient from the upload's source. */
  bytesIn: number;
  /** The upload source's own error, if it failed. */
  dataInError: unknown;
  /** Set when smbclient could not be started at all (e.g. not installed). */
  spawnError: string | undefined;
  /** smbclient was killed because the caller's signal aborted. */
  aborted: boolean;
}

const MARKER_COMMAND = 'pwd';
const MARKER = /^Current directory is /;

/** Quotes one smbclient command argument. Callers have validated the text. */
export function quoteArgument(argument: string): string {
  if (/["\u0000-\u001f\u007f]/.test(argument))
    throw new ShareError(
      'path',
      `The share holds a name this console cannot address: ${JSON.stringify(argument)} contains a double quote or a control character, which smbclient's commands cannot carry.`,
      'Rename or remove that entry on the file server (this console never writes such names).',
    );
  return `"${argument}"`;
}

export function smbclientArguments(endpoint: SmbEndpoint, authFile: string, debugLevel: number): string[] {
  const args = [
    // An IPv6 host goes in bare (`//fd00::5/share`, zone included): smbclient
    // 4.17 refuses the bracketed form (measured: NT_STATUS_NOT_FOUND).
    `//${endpoint.host}/${endpoint.share}`,
    '-p',
    String(endpoint.port),
    '-A',
    authFile,
    '-m',
    'SMB3',
    '-t',
    String(endpoint.timeoutSeconds),
    '-d',
    String(debugLevel),
  ];
  if (endpoint.encryption !== 'off') args.push(`--option=client smb encrypt=${endpoint.encryption}`);
  return args;
}

export async function runSmbclient(endpoint: SmbEndpoint, options: SmbclientRunOptions): Promise<SmbclientResult> {
  const program = resolveProgram(endpoint.smbclientPath);
  if (!program) {
    const missing = `${endpoint.smbclientPath}: no such program`;
    return {
      exitCode: null,
      segments: [],
      transcript: '',
      timedOut: false,
      bytesIn: 0,
      dataInError: undefined,
      spawnError: missing,
      aborted: false,
    };
  }
  // The private folder lives as long as smbclient; the auth file in it only until smbclient has read it.
  const { privateDir, authFile, authFileRead } = await prepareAuthFile(endpoint);
  try {
    const data: DataChannel | undefined = options.upload
      ? { kind: 'upload', fifo: await createUploadFifo(privateDir.path, authFileRead) }
      : options.dataOut
        ? { kind: 'download', ends: await openDownloadPipe(privateDir.path) }
        : undefined;
    // Removed the moment smbclient exits, even if a download's consumer never finishes reading.
    return await execute(endpoint, program, options, authFile, authFileRead, data, () => void privateDir.remove().catch(() => undefined));
  } finally {
    await privateDir.remove();
  }
}

function authFileText(endpoint: SmbEndpoint): string {
  for (const [name, value] of [
    ['username', endpoint.username],
    ['password', endpoint.password],
    ['domain', endpoint.domain],
  ] as const) {
    // The auth file is line-based; a line break would truncate or inject.
    if (/[\r\n]/.test(value)) throw new Error(`the ${name} contains a line break`);
  }
  const lines = [`username = ${endpoint.username}`];
  if (!passwordNeedsPipe(endpoint.password)) lines.push(`password = ${endpoint.password}`);
  if (endpoint.domain) lines.push(`domain = ${endpoint.domain}`);
  return `${lines.join('\n')}\n`;
}

/**
 * smbclient's auth-file reader drops the spaces and tabs at the start of a
 * value (measured with 4.17: a password "  pw" fails to log on from the
 * file; trailing spaces and % are kept). Such a password goes to smbclient
 * through a pipe instead (PASSWD_FD names it: the descriptor, not the
 * secret, is in the environment) — never on disk, argv or in the
 * environment. smbclient reads at most 127 bytes from that pipe, so a longer
 * password with leading spaces cannot be passed at all (the driver refuses
 * it when it is configured, see smb-share.ts).
 */
export function passwordNeedsPipe(password: string): boolean {
  return /^[ \t]/.test(password);
}

/** The most smbclient reads from PASSWD_FD (a 128-byte buffer, null-terminated). */
export const PASSWORD_PIPE_MAX_BYTES = 127;
const PASSWORD_FD = 4;

/**
 * Spawns smbclient (tied to our life, tied-child.ts) with its arguments, an
 * environment without any password in it, and the password pipe when the
 * password needs one; `fd3` becomes its descriptor 3 (the download pipe).
 * `lineBuffered` runs it under coreutils' `stdbuf -i0 -oL` (smbclient-session.ts says why).
 */
export function spawnSmbclient(
  endpoint: SmbEndpoint,
  launch: { program: string; lineBuffered?: string },
  authFile: string,
  debugLevel: number,
  fd3?: number,
): ChildProcess {
  // UTC: dates in listings are parsed, and folder stamps written, as UTC (smb-share.ts).
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' };
  // smbclient would take a password from these; ours comes from the auth file, or the pipe named here.
  delete env.PASSWD;
  delete env.PASSWD_FD;
  delete env.PASSWD_FILE;
  const passwordPipe = passwordNeedsPipe(endpoint.password);
  if (passwordPipe) env.PASSWD_FD = String(PASSWORD_FD);
  const args = smbclientArguments(endpoint, authFile, debugLevel);
  const [command, commandArgs] = launch.lineBuffered
    ? [launch.lineBuffered, ['-i0', '-oL', launch.program, ...args]]
    : [launch.program, args];
  const child = spawnTied(
    command,
    commandArgs,
    { stdio: ['pipe', 'pipe', 'pipe', fd3 ?? 'ignore', passwordPipe ? 'pipe' : 'ignore'], env },
    endpoint.spawn,
  );
  if (passwordPipe) {
    const pipe = child.stdio[PASSWORD_FD] as Writable | null | undefined;
    pipe?.on('error', () => undefined);
    pipe?.end(`${endpoint.password}\n`);
  }
  return child;
}

/**
 * A private folder with smbclient's auth file in it. `authFileRead` deletes
 * the file: call it once smbclient has read it (its first output, or its
 * opening the upload FIFO — both come after it parsed its arguments), which
 * keeps the credentials off the disk even if this process is killed mid-way.
 */
export async function prepareAuthFile(
  endpoint: SmbEndpoint,
): Promise<{ privateDir: PrivateDir; authFile: string; authFileRead: () => void }> {
  const privateDir = await createPrivateDir(await privateRootOf(endpoint.configDir));
  const authFile = path.join(privateDir.path, 'auth');
  let authFileGone = false;
  const authFileRead = (): void => {
    if (authFileGone) return;
    authFileGone = true;
    void rm(authFile, { force: true }).catch(() => undefined);
  };
  try {
    await writeFile(authFile, authFileText(endpoint), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await privateDir.remove();
    throw error;
  }
  return { privateDir, authFile, authFileRead };
}

const roots = new Map<string, Promise<string>>();
function privateRootOf(configDir: string): Promise<string> {
  let root = roots.get(configDir);
  if (!root) {
    root = privateRoot(configDir);
    roots.set(configDir, root);
  }
  return root;
}

type DataChannel = { kind: 'upload'; fifo: UploadFifo } | { kind: 'download'; ends: PipeEnds };

function execute(
  endpoint: SmbEndpoint,
  program: string,
  options: SmbclientRunOptions,
  authFile: string,
  authFileRead: () => void,
  data: DataChannel | undefined,
  onChildGone: () => void,
): Promise<SmbclientResult> {
  return new Promise((resolve) => {
    const commands =
      options.upload && data?.kind === 'upload'
        ? [`put ${quoteArgument(data.fifo.path)} ${quoteArgument(options.upload.remote)}`, ...options.commands]
        : options.commands;
    const download = data?.kind === 'download' ? data.ends : undefined;
    const child = spawnSmbclient(endpoint, { program }, authFile, options.debugLevel ?? 1, download?.childEnd);
    // Our copy of the child's end must close, or EOF would never come.
    if (download) void closeFd(download.childEnd).catch(() => undefined);

    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let bytesIn = 0;
    let dataInError: unknown;
    let spawnError: string | undefined;
    let finished = false;
    let dataSocket: net.Socket | undefined;
    let upload: net.Socket | undefined;
    let uploadFinished = false;
    const kill = (): void => void (finished || child.kill('SIGKILL'));
    const watchdog = new Watchdog(endpoint.deadlines, options.upload || options.dataOut ? 'stream' : 'operation', () => {
      timedOut = true;
      kill();
    });
    watchdog.waitingOnServer = () => {
      // Waiting on our side is not a stalled share: a slow consumer of a
      // download, or a slow producer of an upload (a backup command). The
      // stall clock runs only while smbclient is the one we wait for.
      if (options.dataOut) return !options.dataOut.destroyed && !options.dataOut.writableNeedDrain;
      if (!upload || uploadFinished) return true; // connecting, or finishing the put after the last byte
      return upload.writableLength > 0;
    };
    watchdog.progress = () => bytesIn - (upload?.writableLength ?? 0) + (dataSocket?.bytesRead ?? 0) + stdout.length + stderr.length;
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      authFileRead();
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      authFileRead();
      stderr += chunk.toString('utf8');
    });
    child.stdin?.on('error', () => undefined); // smbclient may exit before reading all commands
    child.stdin?.end(commands.map((command) => `${command}\n${MARKER_COMMAND}\n`).join(''));
    const source = options.upload?.source;
    const uploadFifo = data?.kind === 'upload' ? data.fifo : undefined;
    if (source && uploadFifo) {
      const sourceFailed = (error: unknown): void => {
        dataInError = error;
        // smbclient sees EOF; the caller deletes the incomplete temporary file.
        upload?.end();
      };
      // A source can fail before this listens (a backup cancelled while the upload was being set up).
      if (source.errored) sourceFailed(source.errored);
      else source.once('error', sourceFailed);
      uploadFifo.opened.then(
        (fd) => {
          if (finished) return void closeFd(fd).catch(() => undefined);
          // Written from the event loop as the pipe drains (non-blocking, no
          // thread-pool round trip per chunk): with the enlarged pipe, measured
          // the fastest way to keep smbclient fed (see data-pipe.ts).
          const sink = new WritingSocket({ fd, readable: false, writable: true });
          upload = sink;
          sink.on('error', () => undefined); // smbclient stopped reading; its output says why
          sink.once('finish', () => (uploadFinished = true));
          if (dataInError !== undefined) return void sink.end();
          // Counted on the way through, not by a 'data' listener on the source:
          // that would keep the source flowing into nowhere once the pipe is gone.
          const counter = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              bytesIn += chunk.length;
              options.onDataBytes?.(bytesIn);
              callback(null, chunk);
            },
          });
          source.pipe(counter).pipe(sink);
        },
        () => undefined, // abandoned: smbclient never reached the put
      );
    }

    if (download && options.dataOut) {
      const socket = readDownloadPipe(download.ourEnd, options.dataOut);
      dataSocket = socket;
      socket.on('error', () => undefined);
    }

    const output = options.dataOut;
    const dataDone =
      dataSocket && output
        ? new Promise<void>((resolveData) => {
            dataSocket?.once('close', () => resolveData());
            output.once('close', () => resolveData());
          })
        : Promise.resolve();
    // A consumer that destroys the download early ends the transfer too.
    output?.once('close', () => {
      kill();
      dataSocket?.destroy();
    });

    const finish = (exitCode: number | null): void => {
      if (finished) return;
      finished = true;
      watchdog.stop();
      options.signal?.removeEventListener('abort', onAbort);
      // The pipe into smbclient is gone: stop taking from the source.
      if (source) {
        source.unpipe();
        upload?.destroy();
      }
      // Before the private folder (and the FIFO in it) goes: a write open still
      // waiting for smbclient is released through the FIFO's name.
      const released = uploadFifo ? uploadFifo.abandon() : Promise.resolve();
      void released
        .then(() => {
          onChildGone();
          return dataDone;
        })
        .then(() => {
          const transcript = scrubSecrets(`${stdout}\n${stderr}`.trim());
          resolve({
            exitCode,
            segments: splitSegments(scrubSecrets(stdout), commands.length),
            transcript,
            timedOut,
            bytesIn,
            dataInError,
            spawnError,
            aborted,
          });
        });
    };
    child.once('error', (error) => {
      spawnError = error.message;
      dataSocket?.destroy();
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
}

/**
 * Ends a smbclient that takes too long (timedOut; the caller reports
 * connectivity). Two call classes, each with its own bound:
 * - 'operation' (a session of small commands): killed `operationMs` after it
 *   started, whatever it is doing;
 * - 'stream' (an upload or a download): killed when `stallMs` passes without
 *   progress — bytes taken by smbclient from the upload pipe, bytes it gave
 *   on the download pipe, or anything it printed — while we were waiting on
 *   it. While we are the slow side (a backup command still computing, a
 *   reader not reading) the clock does not run; it is never re-armed after
 *   smbclient has ended. Time is monotonic (wall-clock steps do not count).
 */
class Watchdog {
  waitingOnServer: () => boolean = () => true;
  progress: () => number = () => 0;
  private readonly timer: NodeJS.Timeout;
  private lastProgress = -1;
  private lastMovement = performance.now();

  constructor(deadlines: SmbDeadlines, kind: 'operation' | 'stream', onExpired: () => void) {
    if (kind === 'operation') {
      this.timer = setTimeout(onExpired, deadlines.operationMs);
      return;
    }
    this.timer = setInterval(
      () => {
        const now = performance.now();
        const progress = this.progress();
        if (progress !== this.lastProgress || !this.waitingOnServer()) {
          this.lastProgress = progress;
          this.lastMovement = now;
        } else if (now - this.lastMovement >= deadlines.stallMs) {
          this.stop();
          onExpired();
        }
      },
      Math.max(10, Math.min(1000, deadlines.stallMs / 4)),
    );
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }
}

const foundPrograms = new Map<string, string>();

/** The program's path when it exists and is executable (absolute, or looked up on the PATH); null otherwise. */
export function resolveProgram(program: string): string | null {
  const known = foundPrograms.get(program);
  if (known !== undefined) return known;
  const candidates = program.includes('/')
    ? [program]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      foundPrograms.set(program, candidate);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Output per command, split at the `pwd` markers; the banner line is dropped. */
export function splitSegments(stdout: string, commandCount: number): string[] {
  const segments: string[] = [];
  let current: string[] = [];
  for (const line of stdout.split('\n')) {
    if (MARKER.test(line)) {
      segments.push(current.join('\n'));
      current = [];
      if (segments.length === commandCount) break;
      continue;
    }
    if (line.startsWith('Try "help" to get a list')) continue;
    current.push(line);
  }
  return segments;
}
