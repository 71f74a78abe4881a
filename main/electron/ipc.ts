import { API_METHODS, ipcChannel, type ApiResult, type BackupConsoleApi } from '../../preload/api';
import { dispatch } from '../engine/dispatch';
import { EngineError } from '../engine/errors';
import type { Logger } from '../engine/app/logger';
import type { IpcInvokeEventLike, IpcMainLike } from './electron-like';

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
 * frame, validates the input with the shared schema (inside dispatch) and
 * returns an ApiResult. Returns a function that removes every handler.
 */
export function registerApiHandlers(ipcMain: IpcMainLike, api: BackupConsoleApi, trust: IpcTrust, logger?: Logger): () => void {
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
      return dispatch(api, method, args[0], logger);
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
