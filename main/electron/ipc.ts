import { API_METHODS, ipcChannel, type ApiResult } from '../../preload/api';
import { EngineError } from '../engine/errors';
import type { Logger } from '../engine/app/logger';
import type { IpcInvokeEventLike, IpcMainLike } from './electron-like';
import type { EngineConnection } from './engine-process';

export interface IpcTrust {
  isTrusted(event: IpcInvokeEventLike): boolean;
}

export const UNTRUSTED_SENDER_ERROR = new EngineError({
  code: 'internal',
  message: 'The request did not come from the console window and was refused.',
  remediation: 'Use the console window itself.',
}).toApiError();

/**
 * One `ipcMain.handle` per contract method. Each handler checks the sender
 * frame here in main, then forwards the call to the engine's process, whose
 * `dispatch` validates the input with the shared schema; the answer is an
 * ApiResult. Returns a function that removes every handler.
 */
export function registerApiHandlers(
  ipcMain: IpcMainLike,
  engine: Pick<EngineConnection, 'call'>,
  trust: IpcTrust,
  logger?: Logger,
): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event: IpcInvokeEventLike, ...args: unknown[]): Promise<ApiResult<unknown>> => {
      if (!trust.isTrusted(event)) {
        logger?.warn({ method, url: event.senderFrame?.url }, 'refused IPC from an untrusted frame');
        return { ok: false, error: UNTRUSTED_SENDER_ERROR };
      }
      if (args.length > 1)
        return {
          ok: false,
          error: new EngineError({
            code: 'invalid-input',
            field: 'input',
            message: 'Invalid request: too many arguments.',
            remediation: 'Send one input object.',
          }).toApiError(),
        };
      return engine.call(method, args[0]);
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
