/**
 * The protocol between Electron's main process and the engine host (the
 * engine in its own process). Both ends import this one module; it has no
 * Electron import, so the host stays plain Node.
 *
 * Over one MessagePort:
 * - main → host: `start` once, then contract `call`s (method name and input,
 *   validated by `dispatch` in the host as for every front door), power
 *   `resume`, `shutdown`, and `main-reply` to the host's own requests.
 * - host → main: `ready`, a `result` per call (an ApiResult: errors stay
 *   typed), engine `event`s, `notify` for a desktop notification,
 *   `main-call` for what only main has (safeStorage), and `stopped`.
 * Every message is plain data (structured clone or JSON), never a function.
 */
import type { Alert, ApiEvent, ApiResult, AppInfo } from '../../../preload/api';

/** What Electron's safeStorage offers in main, as facts the host can act on. */
export interface SafeStorageFacts {
  available: boolean;
  /** Linux: the keyring backend ('basic_text' means none); null elsewhere. */
  backend: string | null;
}

export interface HostStartOptions {
  configDir: string;
  version: string;
  frontDoor: AppInfo['frontDoor'];
  /** Null when the host has no safeStorage to ask (it then keeps secrets with the key file). */
  safeStorage: SafeStorageFacts | null;
}

/**
 * What the host asks main for. Secrets in these calls cross only this port
 * between the console's own two processes: never argv, environment or logs.
 */
export interface MainCalls {
  encryptWithSafeStorage: { input: { plainText: string }; output: { cipherBase64: string } };
  decryptWithSafeStorage: { input: { cipherBase64: string }; output: { plainText: string } };
}
export type MainCallName = keyof MainCalls;
export type MainCallResult<N extends MainCallName> = { ok: true; value: MainCalls[N]['output'] } | { ok: false; message: string };

export type MainToHost =
  | { kind: 'start'; options: HostStartOptions }
  | { kind: 'call'; id: number; method: string; input: unknown }
  | { kind: 'main-reply'; id: number; result: MainCallResult<MainCallName> }
  /** The machine woke up (powerMonitor 'resume'): a missed slot runs once. */
  | { kind: 'resume' }
  /** Stop the scheduler, cancel a running job, then answer `stopped`. */
  | { kind: 'shutdown' };

export type HostToMain =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: ApiResult<unknown> }
  | { kind: 'event'; event: ApiEvent }
  | { kind: 'notify'; alert: Alert }
  | { kind: 'main-call'; id: number; name: MainCallName; input: MainCalls[MainCallName]['input'] }
  | { kind: 'stopped' };

/**
 * The port both ends talk over: Electron's MessagePortMain, or in plain Node
 * an adapter over the child-process channel (see ./process-port.ts).
 */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** The one message main sends on the utility process's own channel, carrying the port. */
export const CONNECT_MESSAGE = 'ibc-engine-connect';

const MAIN_TO_HOST_KINDS: ReadonlySet<string> = new Set(['start', 'call', 'main-reply', 'resume', 'shutdown'] satisfies Array<
  MainToHost['kind']
>);
const HOST_TO_MAIN_KINDS: ReadonlySet<string> = new Set(['ready', 'result', 'event', 'notify', 'main-call', 'stopped'] satisfies Array<
  HostToMain['kind']
>);

const kindOf = (data: unknown): string | null =>
  typeof data === 'object' && data !== null && typeof (data as { kind?: unknown }).kind === 'string'
    ? (data as { kind: string }).kind
    : null;

// Both ends are the console's own processes; the kind is checked so a stray
// message is ignored rather than misread.
export function isMainToHost(data: unknown): data is MainToHost {
  const kind = kindOf(data);
  return kind !== null && MAIN_TO_HOST_KINDS.has(kind);
}

export function isHostToMain(data: unknown): data is HostToMain {
  const kind = kindOf(data);
  return kind !== null && HOST_TO_MAIN_KINDS.has(kind);
}
