import type { ApiResult } from '../../../preload/api';
import { createLogger, logFilePath, type Logger } from '../app/logger';
import { dispatch, isApiMethod } from '../dispatch';
import { EngineError, invalidInput, toEngineError } from '../errors';
import { createEngine, type Engine } from '../service';
import { MainCallClient } from './main-calls';
import { isMainToHost, type HostStartOptions, type HostToMain, type MessagePortLike } from './protocol';
import { openWrappedKeySafeStorage } from './wrapped-key-safe-storage';

export interface EngineHostRuntime {
  /** Ends the process; called once the port to main has closed and the engine stopped. */
  exit(code: number): void;
  logger?: Logger;
}

const NOT_STARTED = new EngineError({
  code: 'internal',
  message: 'The backup engine has not started yet.',
  remediation: 'Try again in a moment.',
}).toApiError();

/**
 * The engine in its own process: serves the contract to main over `port`
 * (see ./protocol.ts). Main sends `start` first; the engine is created with
 * what main provides (safeStorage through the port, notifications back to
 * main), runs the scheduler, and answers every call through `dispatch`, the
 * same validation path as the web host and the CLI.
 */
export function runEngineHost(port: MessagePortLike, runtime: EngineHostRuntime): void {
  let logger = runtime.logger ?? createLogger();
  const post = (message: HostToMain): void => port.postMessage(message);
  const mainCalls = new MainCallClient(post);
  let engine: Promise<Engine> | null = null;
  let stopping: Promise<void> | null = null;

  const start = async (options: HostStartOptions): Promise<Engine> => {
    // From here on the log (with every call's technical cause) also goes to the config folder's log file.
    if (!runtime.logger) logger = createLogger({ logFile: logFilePath(options.configDir) });
    const safeStorage = options.safeStorage
      ? await openWrappedKeySafeStorage(
          options.configDir,
          options.safeStorage,
          {
            encrypt: async (plainText) => (await mainCalls.call('encryptWithSafeStorage', { plainText })).cipherBase64,
            decrypt: async (cipherBase64) => (await mainCalls.call('decryptWithSafeStorage', { cipherBase64 })).plainText,
          },
          logger,
        )
      : undefined;
    const started = createEngine({
      configDir: options.configDir,
      version: options.version,
      frontDoor: options.frontDoor,
      logger,
      ...(safeStorage ? { safeStorage } : {}),
      notifier: { notify: (alert) => post({ kind: 'notify', alert }) },
    });
    started.onEvent((event) => post({ kind: 'event', event }));
    return started;
  };

  const answer = async (id: number, method: string, input: unknown): Promise<void> => {
    let result: ApiResult<unknown>;
    if (!isApiMethod(method)) result = { ok: false, error: invalidInput('method', `Unknown method "${method}".`).toApiError() };
    else if (!engine) result = { ok: false, error: NOT_STARTED };
    else {
      try {
        result = await dispatch(await engine, method, input, logger);
      } catch (error) {
        // The engine could not be created: the cause is in the log, the caller gets a typed error.
        result = { ok: false, error: toEngineError(error).toApiError() };
      }
    }
    post({ kind: 'result', id, result });
  };

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const running = await engine?.catch(() => null);
      if (running) {
        await running.shutdown();
        await running.close();
      }
      logger.flush();
    })());

  port.on('message', ({ data }) => {
    if (!isMainToHost(data)) {
      logger.warn('engine host: ignored a message that is not part of the protocol');
      return;
    }
    switch (data.kind) {
      case 'start':
        if (engine) return;
        engine = start(data.options);
        engine.then(
          async (started) => {
            try {
              await started.startAutomation();
            } catch (error) {
              logger.error({ err: error }, 'the scheduler did not start');
            }
            post({ kind: 'ready' });
          },
          (error: unknown) => {
            logger.error({ err: error }, 'the engine could not start');
            runtime.exit(1);
          },
        );
        return;
      case 'call':
        void answer(data.id, data.method, data.input);
        return;
      case 'main-reply':
        mainCalls.settle(data.id, data.result);
        return;
      case 'resume':
        void engine
          ?.then((started) => started.resumeFromSleep())
          .catch((error: unknown) => logger.warn({ err: error }, 'resume handling failed'));
        return;
      case 'shutdown':
        void stop().then(() => post({ kind: 'stopped' }));
        return;
      default: {
        const unhandled: never = data;
        return unhandled;
      }
    }
  });
  // Main went away (it crashed or quit without asking): stop cleanly and end.
  port.on('close', () => void stop().finally(() => runtime.exit(0)));
  port.start();
}
