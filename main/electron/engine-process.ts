import type { Alert, ApiError, ApiMethod, ApiOutput, ApiResult } from '../../preload/api';
import { EventHub, type EventListener } from '../engine/app/events';
import type { Logger } from '../engine/app/logger';
import { EngineError } from '../engine/errors';
import { scrubSecrets } from '../engine/redact';
import type { SafeStorageLike } from '../engine/secrets/safe-storage-secret-store';
import {
  CONNECT_MESSAGE,
  isHostToMain,
  type HostToMain,
  type MainCallName,
  type MainCalls,
  type MainToHost,
  type MessagePortLike,
  type SafeStorageFacts,
} from '../engine/host/protocol';
import type { MessageChannelConstructorLike, UtilityProcessForkerLike, UtilityProcessLike } from './electron-like';

/** What the rest of main (IPC, window, tray) knows of the engine: calls, events, power, quitting. */
export interface EngineConnection {
  /** One contract call, answered as an ApiResult (the engine host validates the input). */
  call<M extends ApiMethod>(method: M, input?: unknown): Promise<ApiResult<ApiOutput<M>>>;
  onEvent(listener: EventListener): () => void;
  /** powerMonitor 'resume': a slot missed while asleep runs once. */
  resumeFromSleep(): void;
  /** Stops the scheduler, cancels a running job, and ends the engine process. */
  shutdown(): Promise<void>;
}

export interface EngineProcessParts {
  utilityProcess: UtilityProcessForkerLike;
  MessageChannelMain: MessageChannelConstructorLike;
  /** Electron's safeStorage: it lives in main, the engine asks for it over the port. */
  safeStorage: SafeStorageLike;
  notify(alert: Alert): void;
}

export interface EngineProcessOptions {
  /** The built engine-host entry: `<out>/${ENGINE_HOST_ENTRY}`. */
  entryPath: string;
  configDir: string;
  version: string;
  logger?: Logger;
  /** Starts in a row that end before the engine is ready, after which main stops restarting it. */
  maxFailedStarts?: number;
  /** How long quitting waits for the engine to cancel a running job before its process is ended. */
  shutdownGraceMs?: number;
}

/** The engine-host entry inside the build's out/ folder (electron.vite.config.ts builds it). */
export const ENGINE_HOST_ENTRY = 'main/engine-host.js';

const DEFAULT_MAX_FAILED_STARTS = 3;
const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

/** What the operator is told when the engine process goes away under main. */
export const ENGINE_TEXTS = {
  stoppedBeforeAnswer: new EngineError({
    code: 'internal',
    message: 'The backup engine stopped unexpectedly before it answered. It has been restarted.',
    remediation: 'Try again. Details are in the log.',
  }).toApiError(),
  restarted: new EngineError({
    code: 'internal',
    message: 'The backup engine stopped unexpectedly and was restarted.',
    remediation:
      'A backup that was running did not complete: its partial data is removed by the next backup. Start one with Backup now if you need it before the next scheduled time.',
  }).toApiError(),
  unavailable: new EngineError({
    code: 'internal',
    message: 'The backup engine cannot start.',
    remediation: 'Quit the console and start it again. If it persists, send the log file to support.',
  }).toApiError(),
  stopping: new EngineError({
    code: 'internal',
    message: 'The console is shutting down.',
    remediation: 'Start the console again.',
  }).toApiError(),
} satisfies Record<string, ApiError>;

/** What main's safeStorage offers, as facts for the engine's own rule (safeStorageUnusableReason). */
export function safeStorageFacts(safeStorage: SafeStorageLike): SafeStorageFacts {
  let backend: string | null = null;
  try {
    backend = safeStorage.getSelectedStorageBackend?.() ?? null;
  } catch {
    // Only Linux has a backend to name.
  }
  return { available: safeStorage.isEncryptionAvailable(), backend };
}

interface Running {
  child: UtilityProcessLike;
  port: MessagePortLike;
  ready: boolean;
}

/**
 * Starts the engine in its own process (Electron's utilityProcess) and
 * supervises it. If the process dies, every pending call is answered with a
 * typed error at once, the process is started again, and once the new engine
 * is ready listeners get `engine-restarted` (the window shows it; jobs recover
 * from the share: the next run removes the dead job's `.partial` and takes
 * over its lock). After `maxFailedStarts` starts in a row that die before
 * they are ready, main stops trying and calls say the engine cannot start.
 */
export function startEngineProcess(parts: EngineProcessParts, options: EngineProcessOptions): EngineConnection {
  const events = new EventHub();
  const pending = new Map<number, (result: ApiResult<unknown>) => void>();
  const maxFailedStarts = options.maxFailedStarts ?? DEFAULT_MAX_FAILED_STARTS;
  let nextId = 1;
  let current: Running | null = null;
  let failedStarts = 0;
  let unavailable = false;
  let activeBackupId: string | null = null;
  let restartAfterCrash: { interruptedBackupId: string | null } | null = null;
  let stopping: { promise: Promise<void>; done: () => void } | null = null;

  const mainServices: { [N in MainCallName]: (input: MainCalls[N]['input']) => MainCalls[N]['output'] } = {
    encryptWithSafeStorage: ({ plainText }) => ({ cipherBase64: parts.safeStorage.encryptString(plainText).toString('base64') }),
    decryptWithSafeStorage: ({ cipherBase64 }) => ({ plainText: parts.safeStorage.decryptString(Buffer.from(cipherBase64, 'base64')) }),
  };

  const answerMainCall = (running: Running, message: Extract<HostToMain, { kind: 'main-call' }>): void => {
    let reply: MainToHost;
    try {
      const service = mainServices[message.name] as (input: unknown) => MainCalls[MainCallName]['output'];
      reply = { kind: 'main-reply', id: message.id, result: { ok: true, value: service(message.input) } };
    } catch (error) {
      const text = scrubSecrets(error instanceof Error ? error.message : String(error));
      options.logger?.warn({ call: message.name, cause: text }, 'engine request to main failed');
      reply = { kind: 'main-reply', id: message.id, result: { ok: false, message: text } };
    }
    running.port.postMessage(reply);
  };

  const onMessage = (running: Running, data: unknown): void => {
    if (running !== current || !isHostToMain(data)) return;
    switch (data.kind) {
      case 'ready':
        running.ready = true;
        failedStarts = 0;
        if (restartAfterCrash) {
          events.publish({ type: 'engine-restarted', notice: ENGINE_TEXTS.restarted, ...restartAfterCrash });
          restartAfterCrash = null;
        }
        return;
      case 'result': {
        const settle = pending.get(data.id);
        pending.delete(data.id);
        settle?.(data.result);
        return;
      }
      case 'event':
        if (data.event.type === 'job-progress') activeBackupId = data.event.progress.backupId;
        if (data.event.type === 'job-finished') activeBackupId = null;
        events.publish(data.event);
        return;
      case 'notify':
        parts.notify(data.alert);
        return;
      case 'main-call':
        answerMainCall(running, data);
        return;
      case 'stopped':
        running.child.kill();
        return;
      default: {
        const unhandled: never = data;
        return unhandled;
      }
    }
  };

  const onExit = (running: Running, code: number): void => {
    if (running !== current) return;
    current = null;
    for (const settle of pending.values()) settle({ ok: false, error: ENGINE_TEXTS.stoppedBeforeAnswer });
    pending.clear();
    if (stopping) {
      stopping.done();
      return;
    }
    if (!running.ready) failedStarts++;
    options.logger?.error({ code, ready: running.ready }, 'the engine process exited unexpectedly');
    if (failedStarts >= maxFailedStarts) {
      unavailable = true;
      options.logger?.error({ attempts: failedStarts }, 'the engine process keeps failing to start; not restarting it');
      return;
    }
    restartAfterCrash = { interruptedBackupId: restartAfterCrash?.interruptedBackupId ?? activeBackupId };
    activeBackupId = null;
    spawn();
  };

  const spawn = (): void => {
    const child = parts.utilityProcess.fork(options.entryPath, [], { serviceName: 'Infrastructure Backup Engine', stdio: 'inherit' });
    const { port1, port2 } = new parts.MessageChannelMain();
    const running: Running = { child, port: port1, ready: false };
    current = running;
    child.on('exit', (code) => onExit(running, code));
    port1.on('message', (event) => onMessage(running, event.data));
    port1.start();
    child.postMessage(CONNECT_MESSAGE, [port2]);
    const start: MainToHost = {
      kind: 'start',
      options: {
        configDir: options.configDir,
        version: options.version,
        frontDoor: 'desktop',
        safeStorage: safeStorageFacts(parts.safeStorage),
      },
    };
    port1.postMessage(start);
  };

  spawn();

  return {
    call: <M extends ApiMethod>(method: M, input?: unknown): Promise<ApiResult<ApiOutput<M>>> => {
      const running = current;
      if (stopping) return Promise.resolve({ ok: false, error: ENGINE_TEXTS.stopping });
      if (unavailable || !running) return Promise.resolve({ ok: false, error: ENGINE_TEXTS.unavailable });
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: ApiResult<unknown>) => void);
        const message: MainToHost = { kind: 'call', id, method, input };
        running.port.postMessage(message);
      });
    },
    onEvent: (listener) => events.subscribe(listener),
    resumeFromSleep: () => current?.port.postMessage({ kind: 'resume' } satisfies MainToHost),
    shutdown: () => {
      if (stopping) return stopping.promise;
      let done = (): void => undefined;
      const promise = new Promise<void>((resolve) => (done = resolve));
      stopping = { promise, done };
      const running = current;
      if (!running) {
        done();
        return promise;
      }
      running.port.postMessage({ kind: 'shutdown' } satisfies MainToHost);
      // A job that does not stop in time must not keep the console from quitting.
      const grace = setTimeout(() => running.child.kill(), options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      grace.unref?.();
      void promise.then(() => clearTimeout(grace));
      return promise;
    },
  };
}
