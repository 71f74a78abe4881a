import { basename } from 'node:path';
import {
  IPC_PICK_FILE_CHANNEL,
  IPC_PICK_FOLDER_CHANNEL,
  IPC_SAVE_FILE_CHANNEL,
  type ApiResult,
  type PickedFile,
  type PickFileKind,
} from '../../preload/api';
import { EngineError, invalidInput, toEngineError } from '../engine/errors';
import { CERTIFICATE_FILE, PFX_FILE, readInputFile } from '../engine/app/input-file';
import { replaceFile } from '../engine/app/output-file';
import type { IpcInvokeEventLike, IpcMainLike } from './electron-like';
import type { IpcTrust } from './ipc';
import { UNTRUSTED_SENDER_ERROR } from './ipc';

export interface DialogLike {
  showOpenDialog(options: {
    title: string;
    properties: string[];
    filters: Array<{ name: string; extensions: string[] }>;
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: { title: string; defaultPath: string }): Promise<{ canceled: boolean; filePath?: string }>;
}

const FILTERS: Record<PickFileKind, Array<{ name: string; extensions: string[] }>> = {
  certificate: [{ name: 'Certificate (public key only)', extensions: ['cer', 'crt', 'pem'] }],
  pfx: [{ name: 'PKCS#12 key file', extensions: ['pfx', 'p12'] }],
};

/**
 * Native dialogs run in main, and main reads/writes the file: the renderer
 * never hands main a path to touch.
 */
export function registerDialogHandlers(ipcMain: IpcMainLike, dialog: DialogLike, trust: IpcTrust): () => void {
  ipcMain.handle(IPC_PICK_FILE_CHANNEL, async (event: IpcInvokeEventLike, kind: unknown): Promise<ApiResult<PickedFile | null>> => {
    if (!trust.isTrusted(event)) return { ok: false, error: UNTRUSTED_SENDER_ERROR };
    try {
      if (kind !== 'certificate' && kind !== 'pfx') throw invalidInput('kind', 'Unknown file kind.');
      const result = await dialog.showOpenDialog({
        title: kind === 'certificate' ? 'Choose the encryption certificate (.cer)' : 'Choose the .pfx key file',
        properties: ['openFile'],
        filters: FILTERS[kind],
      });
      const path = result.filePaths[0];
      if (result.canceled || !path) return { ok: true, value: null };
      const bytes = await readInputFile(kind, path, kind === 'certificate' ? CERTIFICATE_FILE : PFX_FILE);
      return { ok: true, value: { name: basename(path), base64: bytes.toString('base64') } };
    } catch (error) {
      return { ok: false, error: toEngineError(error).toApiError() };
    }
  });
  ipcMain.handle(
    IPC_SAVE_FILE_CHANNEL,
    async (event: IpcInvokeEventLike, suggestedName: unknown, base64: unknown): Promise<ApiResult<boolean>> => {
      if (!trust.isTrusted(event)) return { ok: false, error: UNTRUSTED_SENDER_ERROR };
      try {
        if (typeof suggestedName !== 'string' || typeof base64 !== 'string' || base64.length > 1024 * 1024)
          throw invalidInput('file', 'Invalid file to save.');
        const result = await dialog.showSaveDialog({ title: 'Save file', defaultPath: basename(suggestedName) });
        if (result.canceled || !result.filePath) return { ok: true, value: false };
        // Replaces the chosen file (the dialog asked before overwriting) with one of ours, 0600, never through a link.
        replaceFile(result.filePath, Buffer.from(base64, 'base64'), 0o600);
        return { ok: true, value: true };
      } catch (error) {
        const engineError = error instanceof EngineError ? error : toEngineError(error);
        return { ok: false, error: engineError.toApiError() };
      }
    },
  );
  // The restore's target folder: the path goes back to the renderer, which hands it to restoreBackup (validated there).
  ipcMain.handle(IPC_PICK_FOLDER_CHANNEL, async (event: IpcInvokeEventLike): Promise<ApiResult<string | null>> => {
    if (!trust.isTrusted(event)) return { ok: false, error: UNTRUSTED_SENDER_ERROR };
    try {
      const result = await dialog.showOpenDialog({
        title: 'Choose an empty folder to restore into',
        properties: ['openDirectory', 'createDirectory'],
        filters: [],
      });
      const path = result.filePaths[0];
      return { ok: true, value: result.canceled || !path ? null : path };
    } catch (error) {
      return { ok: false, error: toEngineError(error).toApiError() };
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_PICK_FOLDER_CHANNEL);
    ipcMain.removeHandler(IPC_PICK_FILE_CHANNEL);
    ipcMain.removeHandler(IPC_SAVE_FILE_CHANNEL);
  };
}
