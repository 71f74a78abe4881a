import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  IPC_EVENT_CHANNEL,
  IPC_PICK_FILE_CHANNEL,
  IPC_PICK_FOLDER_CHANNEL,
  IPC_SAVE_FILE_CHANNEL,
  ipcChannel,
  type ApiEvent,
  type ApiMethod,
  type PreloadBridge,
  type ResultApi,
} from './api';

// One function per contract method; the renderer never sees ipcRenderer itself.
function method<M extends ApiMethod>(name: M): ResultApi[M] {
  return ((input: unknown) => ipcRenderer.invoke(ipcChannel(name), input)) as ResultApi[M];
}

const api = Object.fromEntries(API_METHODS.map((name) => [name, method(name)])) as ResultApi;

const bridge: PreloadBridge = {
  api,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, payload: ApiEvent): void => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
  pickFile: (kind) => ipcRenderer.invoke(IPC_PICK_FILE_CHANNEL, kind),
  saveFile: (suggestedName, base64) => ipcRenderer.invoke(IPC_SAVE_FILE_CHANNEL, suggestedName, base64),
  pickFolder: () => ipcRenderer.invoke(IPC_PICK_FOLDER_CHANNEL),
};

contextBridge.exposeInMainWorld('backupConsole', bridge);
