import { join } from 'node:path';
import { IPC_EVENT_CHANNEL } from '../../preload/api';
import type { Logger } from '../engine/app/logger';
import type { IpcMainLike, SessionLike, ShellLike, WebContentsLike } from './electron-like';
import type { EngineConnection } from './engine-process';
import { registerApiHandlers, type IpcTrust } from './ipc';
import { registerDialogHandlers, type DialogLike } from './dialogs';
import { createAppUrlCheck, isTrustedSender } from './trust';
import { applyNavigationPolicy, hardenSession, mainWindowOptions } from './window';

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadFile(path: string): Promise<void>;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
}

export type BrowserWindowConstructorLike = new (options: ReturnType<typeof mainWindowOptions>) => BrowserWindowLike;

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance' | 'window-all-closed', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

export interface DesktopParts {
  app: AppLike;
  BrowserWindow: BrowserWindowConstructorLike;
  ipcMain: IpcMainLike;
  session: SessionLike;
  dialog: DialogLike;
  shell: ShellLike;
  darkMode: boolean;
}

export interface DesktopLayout {
  /** out/ folder of the build: preload and renderer live under it. */
  outDir: string;
  devServerUrl?: string;
}

/**
 * Takes the single-instance lock, or returns false so the caller quits (a
 * second console would run a second scheduler against the same share).
 */
export function claimSingleInstance(app: AppLike, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}

/**
 * Wires the desktop front door once the app is ready: session hardening,
 * navigation policy on every web contents, one IPC handler per contract method
 * (sender-checked, forwarded to the engine's process), the main window, and
 * engine events pushed to it.
 */
export async function openDesktop(
  parts: DesktopParts,
  engine: Pick<EngineConnection, 'call' | 'onEvent'>,
  layout: DesktopLayout,
  logger?: Logger,
): Promise<BrowserWindowLike> {
  const rendererIndex = join(layout.outDir, 'renderer', 'index.html');
  const isAppUrl = createAppUrlCheck(rendererIndex, layout.devServerUrl);
  hardenSession(parts.session);
  parts.app.on('web-contents-created', (_event, contents) => applyNavigationPolicy(contents, isAppUrl, parts.shell));

  let window: BrowserWindowLike | null = null;
  const trust: IpcTrust = {
    isTrusted: (event) => isTrustedSender(event.senderFrame, event.sender.id, window?.webContents.id ?? null, isAppUrl),
  };
  registerApiHandlers(parts.ipcMain, engine, trust, logger);
  registerDialogHandlers(parts.ipcMain, parts.dialog, trust);

  window = new parts.BrowserWindow(mainWindowOptions(join(layout.outDir, 'preload', 'index.cjs'), parts.darkMode));
  const current = window;
  applyNavigationPolicy(current.webContents, isAppUrl, parts.shell);
  const unsubscribe = engine.onEvent((event) => {
    if (!current.isDestroyed() && !current.webContents.isDestroyed()) current.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  current.on('closed', unsubscribe);
  current.once('ready-to-show', () => current.show());
  if (layout.devServerUrl) await current.loadURL(layout.devServerUrl);
  else await current.loadFile(rendererIndex);
  return current;
}
