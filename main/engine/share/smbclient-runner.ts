/**
 * Runs the system `smbclient` safely. Why not samba-client's own spawning:
 * samba-client 7 builds `-U user%password` into argv (visible to every user
 * through /proc and `ps`) and embeds that command line in its errors, and it
 * joins commands with `-c "...;..."`, which smbclient splits on `;` — a
 * folder named `a;b` would run a second command. Its spawning cannot be
 * fixed from outside, so this module spawns smbclient itself:
 *
 * - credentials travel in an auth file (`-A`, mode 0600, in a private 0700
 *   temp folder, smbclient-private-dir.ts) that is deleted as soon as
 *   smbclient has read it (a password with surrounding spaces goes in the
 *   child's environment instead, see below);
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
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { scrubSecrets } from '../redact';
import { closeFd, createUploadFifo, openDownloadPipe, type PipeEnds, type UploadFifo } from './data-pipe';
import { createPrivateDir } from './smbclient-private-dir';

export type SpawnFunction = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface SmbEndpoint {
  host: string;
  port: number;
  share: string;
  username: string;
  /** NetBIOS or DNS domain; '' for none (a standalone server accepts any). */
  domain: string;
  password: string;
  /** smbclient's per-operation timeout, and our inactivity timeout. */
  timeoutSeconds: number;
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
  if (/["\u0000-\u001f\u007f]/.test(argument)) throw new Error('unquotable smbclient argument');
  return `"${argument}"`;
}

export function smbclientArguments(endpoint: SmbEndpoint, authFile: string, debugLevel: number): string[] {
  const args = [
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
  // The private folder lives as long as smbclient; the auth file in it only
  // until smbclient has read it: its first output, or its opening the upload
  // FIFO, both come after it parsed its arguments. Deleting it then keeps the
  // password off the disk even if this process is killed mid-transfer.
  const privateDir = await createPrivateDir();
  const authFile = path.join(privateDir.path, 'auth');
  let authFileGone = false;
  const authFileRead = (): void => {
    if (authFileGone) return;
    authFileGone = true;
    void rm(authFile, { force: true }).catch(() => undefined);
  };
  try {
    await writeFile(authFile, authFileText(endpoint), { mode: 0o600, flag: 'wx' });
    const data: DataChannel | undefined = options.upload
      ? { kind: 'upload', fifo: await createUploadFifo(privateDir.path, authFileRead) }
      : options.dataOut
        ? { kind: 'download', ends: await openDownloadPipe(privateDir.path) }
        : undefined;
    // Removed the moment smbclient exits, even if a download's consumer never finishes reading.
    return await execute(endpoint, options, authFile, authFileRead, data, () => void privateDir.remove().catch(() => undefined));
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
  if (!passwordNeedsEnvironment(endpoint.password)) lines.push(`password = ${endpoint.password}`);
  if (endpoint.domain) lines.push(`domain = ${endpoint.domain}`);
  return `${lines.join('\n')}\n`;
}

/**
 * smbclient trims the spaces around an auth-file value (measured: a password
 * " pw " fails to log on from the file). Such a password goes through the
 * child's environment (PASSWD) instead — like the file, readable only by our
 * own user, never on argv.
 */
function passwordNeedsEnvironment(password: string): boolean {
  return password !== password.trim();
}

type DataChannel = { kind: 'upload'; fifo: UploadFifo } | { kind: 'download'; ends: PipeEnds };

function execute(
  endpoint: SmbEndpoint,
  options: SmbclientRunOptions,
  authFile: string,
  authFileRead: () => void,
  data: DataChannel | undefined,
  onChildGone: () => void,
): Promise<SmbclientResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8' };
    // smbclient would take a password from these; ours comes from the auth file (or PASSWD, set here).
    delete env.PASSWD;
    delete env.PASSWD_FD;
    delete env.PASSWD_FILE;
    if (passwordNeedsEnvironment(endpoint.password)) env.PASSWD = endpoint.password;
    const args = smbclientArguments(endpoint, authFile, options.debugLevel ?? 1);
    const commands =
      options.upload && data?.kind === 'upload'
        ? [`put ${quoteArgument(data.fifo.path)} ${quoteArgument(options.upload.remote)}`, ...options.commands]
        : options.commands;
    const download = data?.kind === 'download' ? data.ends : undefined;
    const child = endpoint.spawn(endpoint.smbclientPath, args, {
      stdio: download ? ['pipe', 'pipe', 'pipe', download.childEnd] : ['pipe', 'pipe', 'pipe'],
      env,
    });
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
    let idleTimer: NodeJS.Timeout | undefined;
    const idleLimitMs = endpoint.timeoutSeconds * 1000 + 2000;
    const touch = (): void => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        // Waiting on our side is not a stalled share: a slow consumer of a
        // download, or a slow producer of an upload (a backup command).
        const consumerSlow = options.dataOut !== undefined && !options.dataOut.destroyed && options.dataOut.writableNeedDrain;
        const producerSlow = upload !== undefined && !upload.writableNeedDrain && !upload.writableEnded;
        if (consumerSlow || producerSlow) {
          touch();
          return;
        }
        timedOut = true;
        child.kill('SIGKILL');
      }, idleLimitMs);
    };
    touch();
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      authFileRead();
      stdout += chunk.toString('utf8');
      touch();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      authFileRead();
      stderr += chunk.toString('utf8');
      touch();
    });
    child.stdin?.on('error', () => undefined); // smbclient may exit before reading all commands
    child.stdin?.end(commands.map((command) => `${command}\n${MARKER_COMMAND}\n`).join(''));
    const source = options.upload?.source;
    const uploadFifo = data?.kind === 'upload' ? data.fifo : undefined;
    if (source && uploadFifo) {
      source.once('error', (error) => {
        dataInError = error;
        // smbclient sees EOF; the caller deletes the incomplete temporary file.
        upload?.end();
      });
      uploadFifo.opened.then(
        (fd) => {
          // Written from the event loop as the pipe drains (non-blocking, no
          // thread-pool round trip per chunk): with the enlarged pipe, measured
          // the fastest way to keep smbclient fed (see data-pipe.ts).
          const sink = new net.Socket({ fd, readable: false, writable: true });
          upload = sink;
          sink.on('error', () => undefined); // smbclient stopped reading; its output says why
          if (dataInError !== undefined) return void sink.end();
          // Counted from here: a 'data' listener starts the flow, and nothing may flow before the pipe.
          source.on('data', (chunk: Buffer) => {
            bytesIn += chunk.length;
            options.onDataBytes?.(bytesIn);
            touch();
          });
          source.pipe(sink);
        },
        () => undefined, // abandoned: smbclient never reached the put
      );
    }

    if (download && options.dataOut) {
      const socket = new net.Socket({ fd: download.ourEnd, readable: true, writable: false });
      dataSocket = socket;
      socket.on('data', () => touch());
      socket.pipe(options.dataOut, { end: false });
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
      if (!finished) child.kill('SIGKILL');
      dataSocket?.destroy();
    });

    const finish = (exitCode: number | null): void => {
      if (finished) return;
      finished = true;
      if (idleTimer) clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // Before the private folder (and the FIFO in it) goes: a write open still
      // waiting for smbclient is released through the FIFO's name.
      const released = uploadFifo ? uploadFifo.abandon() : Promise.resolve();
      void released
        .then(() => {
          onChildGone();
          return dataDone;
        })
        .then(() => {
          if (source && upload) {
            source.unpipe(upload);
            upload.destroy();
          }
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
