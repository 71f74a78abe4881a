import type { ApiError, ErrorCode } from '../../preload/api';
import { EngineError } from '../engine/errors';
import { escapeForTerminal } from './output';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input as a whole, for `--password-stdin` and friends; it may stop after MAX_STDIN_SECRET_BYTES + 1 bytes. */
  readStdin: () => Promise<string>;
}

/** Exit statuses are part of the CLI contract (docs/CLI.md). */
export const EXIT = { ok: 0, unexpected: 1, invalidInput: 2, share: 3, operationFailed: 4 } as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid-input':
    case 'confirmation-required':
    case 'not-configured':
    case 'settings-corrupt':
      return EXIT.invalidInput;
    case 'share':
    case 'stamp':
      return EXIT.share;
    case 'backup-failed':
    case 'verify-failed':
    case 'restore-failed':
    case 'wrong-key':
    case 'backup-running':
    case 'cancelled':
    case 'operation-failed':
      return EXIT.operationFailed;
    case 'internal':
      return EXIT.unexpected;
  }
}

export function formatError(error: ApiError): string {
  const lines = [`error: ${error.message}`];
  if (error.field) lines.push(`field: ${error.field}`);
  if (error.category) lines.push(`category: ${error.category}`);
  lines.push(`what to do: ${error.remediation}`);
  // A message may quote a name from the share: it must not forge lines of its own.
  return lines.map(escapeForTerminal).join('\n') + '\n';
}

/** No password, .pfx password or legacy key comes near this; past it, standard input is not read any further (`yes | …` ends). */
export const MAX_STDIN_SECRET_BYTES = 16 * 1024;

/**
 * Reads one secret line from stdin: trailing newline removed, nothing else touched; a new secret
 * (saved, or given to a new .pfx) of more than one line is refused. `existing`: the password of a
 * .pfx made elsewhere or earlier, taken as given (line breaks and all) so that no key is locked out.
 */
export async function readSecretFromStdin(io: CliIo, field: string, use: 'new' | 'existing' = 'new'): Promise<string> {
  const raw = await io.readStdin();
  if (Buffer.byteLength(raw, 'utf8') > MAX_STDIN_SECRET_BYTES) {
    throw new EngineError({
      code: 'invalid-input',
      field,
      message: `${field}: standard input holds more than ${MAX_STDIN_SECRET_BYTES / 1024} KiB, which is not a ${field}.`,
      remediation: `Pipe in only the value, e.g. \`printf '%s' "$SECRET" | infra-backup … --${field}-stdin\`.`,
    });
  }
  const secret = raw.replace(/\r?\n$/, '');
  // A password typed twice (as tools that ask for a confirmation expect), or a file of several lines:
  // taken whole it would be a secret no window field can type — a .pfx no one could open to restore.
  if (use === 'new' && /[\r\n]/.test(secret)) {
    throw new EngineError({
      code: 'invalid-input',
      field,
      message: `${field}: standard input holds more than one line; a ${field} is one line. Nothing was done with it.`,
      remediation: `Pipe in the value once, on one line (it is not asked for twice), e.g. \`printf '%s' "$SECRET" | infra-backup … --${field}-stdin\`.`,
    });
  }
  if (secret.length === 0) {
    throw new EngineError({
      code: 'invalid-input',
      field,
      message: `${field}: nothing was read from standard input.`,
      remediation: `Pipe the value in, e.g. \`printf '%s' "$SECRET" | infra-backup … --${field}-stdin\`.`,
    });
  }
  return secret;
}

export async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('(reading from standard input; end with Ctrl-D)\n');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_STDIN_SECRET_BYTES) break; // leaving the loop stops reading: the caller refuses it anyway
  }
  return Buffer.concat(chunks).toString('utf8');
}
