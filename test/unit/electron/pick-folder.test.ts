import { describe, expect, it } from 'vitest';
import { IPC_PICK_FOLDER_CHANNEL, type ApiResult } from '../../../preload/api';
import { registerDialogHandlers, type DialogLike } from '../../../main/electron/dialogs';
import type { IpcInvokeEventLike } from '../../../main/electron/electron-like';
import { IpcMainStandIn } from './stand-ins';

const event = { sender: { id: 42 } } as unknown as IpcInvokeEventLike;

describe('the restore folder dialog (desktop)', () => {
  function setUp(answer: { canceled: boolean; filePaths: string[] }, trusted = true) {
    const ipc = new IpcMainStandIn();
    const asked: Array<Parameters<DialogLike['showOpenDialog']>[0]> = [];
    const dialog: DialogLike = {
      showOpenDialog: async (options) => {
        asked.push(options);
        return answer;
      },
      showSaveDialog: async () => ({ canceled: true }),
    };
    registerDialogHandlers(ipc, dialog, { isTrusted: () => trusted });
    return { ipc, asked };
  }

  it('asks main for a folder (one that may be created) and returns its path', async () => {
    const { ipc, asked } = setUp({ canceled: false, filePaths: ['/srv/restore/2026-11-29'] });
    expect(await ipc.invoke(IPC_PICK_FOLDER_CHANNEL, event)).toEqual({ ok: true, value: '/srv/restore/2026-11-29' });
    expect(asked[0]?.properties).toEqual(['openDirectory', 'createDirectory']);
  });

  it('says nothing was chosen when cancelled, and opens no dialog for a foreign frame', async () => {
    expect(await setUp({ canceled: true, filePaths: [] }).ipc.invoke(IPC_PICK_FOLDER_CHANNEL, event)).toEqual({ ok: true, value: null });
    const foreign = setUp({ canceled: false, filePaths: ['/x'] }, false);
    expect(((await foreign.ipc.invoke(IPC_PICK_FOLDER_CHANNEL, event)) as ApiResult<unknown>).ok).toBe(false);
    expect(foreign.asked).toEqual([]);
  });
});
