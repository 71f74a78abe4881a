// Electron entry point: the only file that imports the real Electron modules.
// Everything it wires is in main/electron/ and takes Electron's pieces as parameters.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeImage,
  nativeTheme,
  Notification,
  powerMonitor,
  safeStorage,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron';
import ElectronStore from 'electron-store';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, logFilePath } from './engine/app/logger';
import {
  claimSingleInstance,
  openDesktop,
  type BrowserWindowConstructorLike,
  type BrowserWindowLike,
  type DesktopParts,
} from './electron/desktop';
import { ENGINE_HOST_ENTRY, startEngineProcess, type EngineConnection } from './electron/engine-process';
import { desktopNotifier } from './electron/notifications';
import { installTray, type MenuItemTemplate } from './electron/tray';
import { APP_VERSION } from './version';
import { appCliArguments, runAppCli } from './cli/process-cli';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Every front door keeps its log in the config folder (README: Logs); userData is known before ready.
const logger = createLogger({ logFile: logFilePath(app.getPath('userData')) });
let window:
  (BrowserWindowLike & { hide(): void; on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown }) | null = null;
let engine: EngineConnection | null = null;
let quitting = false;

const preferences = (): ElectronStore<{ keepRunningInTray: boolean }> =>
  new ElectronStore<{ keepRunningInTray: boolean }>({ name: 'desktop', defaults: { keepRunningInTray: true } });

const parts = (): DesktopParts => ({
  app: app as unknown as DesktopParts['app'],
  BrowserWindow: BrowserWindow as unknown as BrowserWindowConstructorLike,
  ipcMain: ipcMain as unknown as DesktopParts['ipcMain'],
  session: session.defaultSession as unknown as DesktopParts['session'],
  dialog: dialog as unknown as DesktopParts['dialog'],
  shell,
  darkMode: nativeTheme.shouldUseDarkColors,
});

async function showWindow(): Promise<void> {
  if (!engine) return;
  if (window && !window.isDestroyed()) {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return;
  }
  window = (await openDesktop(parts(), engine, { outDir, devServerUrl: process.env.ELECTRON_RENDERER_URL }, logger)) as typeof window;
  window?.on('close', (event) => {
    // Closing the window keeps the scheduler running in the tray, unless the operator turned that off.
    if (!quitting && preferences().get('keepRunningInTray')) {
      event.preventDefault();
      window?.hide();
    }
  });
}

const cliArguments = appCliArguments(process.argv, app.isPackaged);
if (cliArguments) {
  // `<app> cli …`: the command line, without a window and without the single-instance lock.
  void runAppCli(cliArguments, app);
} else if (claimSingleInstance(app as unknown as DesktopParts['app'], () => void showWindow())) {
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    if (!preferences().get('keepRunningInTray')) app.quit();
  });
  app.on('will-quit', (event) => {
    if (!engine) return;
    // The engine stops its scheduler and cancels a running job before its process ends.
    event.preventDefault();
    const closing = engine;
    engine = null;
    void closing.shutdown().finally(() => app.exit(0));
  });
  void app.whenReady().then(async () => {
    // The engine runs in its own process (crypto and compression off this thread); main keeps
    // windows, dialogs, tray, notifications and safeStorage, which the engine asks for over its port.
    const notifier = desktopNotifier(Notification, () => Notification.isSupported());
    const started = startEngineProcess(
      {
        utilityProcess,
        MessageChannelMain,
        safeStorage,
        notify: (alert) => void notifier.notify(alert),
      },
      { entryPath: join(outDir, ENGINE_HOST_ENTRY), configDir: app.getPath('userData'), version: APP_VERSION, logger },
    );
    engine = started;
    powerMonitor.on('resume', () => started.resumeFromSleep());
    installTray(
      {
        createTray: () => new Tray(nativeImage.createFromPath(join(outDir, 'renderer', 'favicon.png'))),
        buildMenu: (template: MenuItemTemplate[]) => Menu.buildFromTemplate(template),
      },
      started,
      {
        showWindow: () => void showWindow(),
        quit: () => app.quit(),
        keepRunningInTray: () => preferences().get('keepRunningInTray'),
        setKeepRunningInTray: (value) => preferences().set('keepRunningInTray', value),
      },
    );
    await showWindow();
  });
}
