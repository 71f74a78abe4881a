// Electron entry point: the only file that imports the real Electron modules.
// Everything it wires is in main/electron/ and takes Electron's pieces as parameters.
import { app, BrowserWindow, dialog, ipcMain, nativeTheme, safeStorage, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ElectronStore from 'electron-store';
import { createEngine } from './engine/service';
import { createLogger } from './engine/app/logger';
import { claimSingleInstance, openDesktop, type BrowserWindowConstructorLike, type BrowserWindowLike, type DesktopParts } from './electron/desktop';
import { APP_VERSION } from './version';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const logger = createLogger();
let window: BrowserWindowLike | null = null;

const parts = (): DesktopParts => ({
  app: app as unknown as DesktopParts['app'],
  BrowserWindow: BrowserWindow as unknown as BrowserWindowConstructorLike,
  ipcMain: ipcMain as unknown as DesktopParts['ipcMain'],
  session: session.defaultSession as unknown as DesktopParts['session'],
  dialog: dialog as unknown as DesktopParts['dialog'],
  shell,
  darkMode: nativeTheme.shouldUseDarkColors,
});

if (claimSingleInstance(app as unknown as DesktopParts['app'], () => {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.focus();
})) {
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(async () => {
    // safeStorage is usable only once the app is ready; on Linux without a keyring the engine
    // refuses its plaintext 'basic_text' backend and falls back to the key file, with a notice.
    const engine = createEngine({ configDir: app.getPath('userData'), version: APP_VERSION, frontDoor: 'desktop', logger, safeStorage,
      openSettingsBackend: (dir) => new ElectronStore<Record<string, unknown>>({ cwd: dir, name: 'settings', configFileMode: 0o600 }),
    });
    window = await openDesktop(parts(), engine, { outDir, devServerUrl: process.env.ELECTRON_RENDERER_URL }, logger);
  });
}
