import { chmodSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { scrubSecrets } from '../redact';

export type { Logger };

/** The log file every front door writes, in the config folder (README: "Logs"). */
export const LOG_FILE_NAME = 'infra-backup.log';
/** A log file past this size is moved to `<name>.1` (the one kept generation) when a front door opens it. */
export const LOG_FILE_ROTATE_BYTES = 10 * 1024 * 1024;

export function logFilePath(configDir: string): string {
  return join(configDir, LOG_FILE_NAME);
}

/** Where log lines go: stderr, a test's buffer, the CLI's error output. */
export interface LineSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Level of the console stream (stderr). Default IBC_LOG_LEVEL, else 'info'. */
  level?: string;
  /** The console stream; default stderr. */
  destination?: LineSink;
  /** Print console lines as text for people (CLI --verbose) instead of JSON. */
  readable?: boolean;
  /** Also append every line at 'info' and above (or IBC_LOG_LEVEL, if lower) to this file, 0600. */
  logFile?: string;
}

const REDACTED_PATHS = [
  'password',
  'passwordConfirm',
  'pfxPassword',
  'pfxPasswordConfirm',
  'keyBase64',
  'encryptionKeyBase64',
  'pfxBase64',
  '*.password',
  '*.passwordConfirm',
  '*.pfxPassword',
  '*.encryptionKeyBase64',
  '*.keyBase64',
  '*.pfxBase64',
  'key.password',
  'key.keyBase64',
  'key.pfxBase64',
];

/**
 * pino with two layers of redaction: known secret field paths are censored by
 * pino itself, and every formatted line passes through scrubSecrets (on its
 * way to the console and to the log file alike) so a secret that leaked into
 * a message, a technical cause or a child process's output is removed too.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const consoleLevel = options.level ?? process.env.IBC_LOG_LEVEL ?? 'info';
  const out = options.destination ?? process.stderr;
  const streams: pino.StreamEntry[] = [];
  if (consoleLevel !== 'silent')
    streams.push({ level: consoleLevel as Level, stream: scrubbing(options.readable ? readableLines(out) : out) });
  let fileProblem: unknown = null;
  if (options.logFile) {
    try {
      streams.push({ level: lowerLevel('info', process.env.IBC_LOG_LEVEL), stream: scrubbing(openLogFile(options.logFile)) });
    } catch (error) {
      // No log file is no reason to refuse the operator's command: say so where they look.
      fileProblem = error;
    }
  }
  const redact = { paths: REDACTED_PATHS, censor: '***' };
  if (streams.length === 0) return pino({ level: 'silent', redact });
  const lowest = streams.map((entry) => entry.level ?? 'info').reduce((a, b) => lowerLevel(a, b));
  const logger = pino({ level: lowest, redact }, pino.multistream(streams));
  if (fileProblem) logger.error({ err: fileProblem }, `The log file ${options.logFile} cannot be written; logging to the console only.`);
  return logger;
}

function scrubbing(destination: LineSink): DestinationStream {
  return { write: (line: string) => void destination.write(scrubSecrets(line)) };
}

/** Appends, synchronously (a one-shot CLI command exits right after its last line), to a 0600 file. */
function openLogFile(path: string): DestinationStream {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (existsSync(path)) {
    if (statSync(path).size > LOG_FILE_ROTATE_BYTES) renameSync(path, `${path}.1`);
    else chmodSync(path, 0o600);
  }
  return pino.destination({ dest: path, sync: true, append: true, mode: 0o600 });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'cause', 'err']);

/** A log line as text: `warn: message (key=value …)`, then the technical cause on its own lines. */
function readableLines(destination: LineSink): DestinationStream {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        destination.write(line);
        return;
      }
      const extras = Object.entries(record)
        .filter(([key]) => !OWN_FIELDS.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
      let text = `${LEVEL_NAMES[record.level as number] ?? 'log'}: ${String(record.msg ?? '')}${extras.length ? ` (${extras.join(', ')})` : ''}\n`;
      const err = record.err as { stack?: string; message?: string } | undefined;
      const cause = typeof record.cause === 'string' ? record.cause : (err?.stack ?? err?.message);
      if (cause) text += `  cause: ${cause.replace(/\n/g, '\n    ')}\n`;
      destination.write(text);
    },
  };
}

function lowerLevel(a: string, b: string | undefined): Level {
  if (!b || !(b in pino.levels.values)) return a as Level;
  return ((pino.levels.values[a] ?? 30) <= (pino.levels.values[b] ?? 30) ? a : b) as Level;
}
