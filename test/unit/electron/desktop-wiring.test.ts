import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_METHODS, IPC_EVENT_CHANNEL, IPC_PICK_FILE_CHANNEL, ipcChannel, type ApiResult } from '../../../preload/api';
import type { ApiEvent, ApiMethod } from '../../../preload/api';
import { registerApiHandlers } from '../../../main/electron/ipc';
import type { EngineConnection } from '../../../main/electron/engine-process';
import { createAppUrlCheck, isTrustedSender } from '../../../main/electron/trust';
import { applyNavigationPolicy, hardenSession, mainWindowOptions } from '../../../main/electron/window';
import { claimSingleInstance, openDesktop, type AppLike, type BrowserWindowLike, type DesktopParts } from '../../../main/electron/desktop';
import type { IpcInvokeEventLike } from '../../../main/electron/electron-like';
import { IpcMainStandIn, SessionStandIn, WebContentsStandIn } from './stand-ins';

const OUT = '/opt/ibc/out';
const INDEX_URL = pathToFileURL(join(OUT, 'renderer', 'index.html')).href;
/** The engine's process as IPC sees it: records what it is asked and answers from a table. */
function engineStandIn(answers: Partial<Record<ApiMethod, ApiResult<unknown>>> = {}) {
  const calls: Array<{ method: ApiMethod; input: unknown }> = [];
  const listeners = new Set<(event: ApiEvent) => void>();
  const connection: Pick<EngineConnection, 'call' | 'onEvent'> = {
    call: async (method: ApiMethod, input?: unknown) => {
      calls.push({ method, input });
      return (answers[method] ?? { ok: true, value: null }) as never;
    },
    onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
  return { connection, calls, push: (event: ApiEvent) => listeners.forEach((listener) => listener(event)) };
}
const frameEvent = (url: string, senderId = 1, parent: IpcInvokeEventLike['senderFrame'] = null): IpcInvokeEventLike => ({
  sender: { id: senderId },
  senderFrame: { url, parent },
});

describe('IPC handler table', () => {
  it('registers exactly one handler per contract method', () => {
    const ipc = new IpcMainStandIn();
    registerApiHandlers(ipc, engineStandIn().connection, { isTrusted: () => true });
    expect([...ipc.handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());
  });

  it("forwards a trusted call to the engine's process, input untouched, and returns its typed result", async () => {
    const ipc = new IpcMainStandIn();
    const engine = engineStandIn({
      setAutomaticBackups: { ok: false, error: { code: 'invalid-input', field: 'enabled', message: 'm', remediation: 'r' } },
    });
    registerApiHandlers(ipc, engine.connection, { isTrusted: () => true });
    const result = (await ipc.invoke(ipcChannel('setAutomaticBackups'), frameEvent(INDEX_URL), { enabled: 'yes' })) as ApiResult<unknown>;
    expect(engine.calls).toEqual([{ method: 'setAutomaticBackups', input: { enabled: 'yes' } }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'enabled' } });
  });

  it('refuses calls from an untrusted sender without asking the engine', async () => {
    const ipc = new IpcMainStandIn();
    const engine = engineStandIn();
    registerApiHandlers(ipc, engine.connection, { isTrusted: () => false });
    const result = (await ipc.invoke(ipcChannel('getSettings'), frameEvent('https://evil.example/'))) as ApiResult<unknown>;
    expect(result.ok).toBe(false);
    expect(engine.calls).toEqual([]);
  });

  it('refuses more than one argument before the engine sees it', async () => {
    const ipc = new IpcMainStandIn();
    const engine = engineStandIn();
    registerApiHandlers(ipc, engine.connection, { isTrusted: () => true });
    const result = (await ipc.invoke(
      ipcChannel('getBackup'),
      frameEvent(INDEX_URL),
      { backupId: 'a' },
      '/etc/passwd',
    )) as ApiResult<unknown>;
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'input' } });
    expect(engine.calls).toEqual([]);
  });
});

describe('sender checks', () => {
  const isAppUrl = createAppUrlCheck(join(OUT, 'renderer', 'index.html'));
  it('accepts only the app page in the main frame of the main window', () => {
    expect(isTrustedSender({ url: INDEX_URL, parent: null }, 7, 7, isAppUrl)).toBe(true);
    expect(isTrustedSender({ url: `${INDEX_URL}#/keys`, parent: null }, 7, 7, isAppUrl)).toBe(true);
    expect(isTrustedSender({ url: INDEX_URL, parent: { url: INDEX_URL, parent: null } }, 7, 7, isAppUrl)).toBe(false);
    expect(isTrustedSender({ url: INDEX_URL, parent: null }, 8, 7, isAppUrl)).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', parent: null }, 7, 7, isAppUrl)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, 7, 7, isAppUrl)).toBe(false);
    expect(isTrustedSender(null, 7, 7, isAppUrl)).toBe(false);
  });
  it('trusts the dev server origin only when one is configured', () => {
    const dev = createAppUrlCheck(join(OUT, 'renderer', 'index.html'), 'http://localhost:5173');
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
  });
});

describe('window and navigation', () => {
  it('creates the window with the security defaults', () => {
    const prefs = mainWindowOptions('/p/preload.cjs', false).webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(prefs.preload).toBe('/p/preload.cjs');
  });

  it('blocks navigation away from the app and denies every window.open', () => {
    const contents = new WebContentsStandIn(1);
    const opened: string[] = [];
    applyNavigationPolicy(contents, createAppUrlCheck(join(OUT, 'renderer', 'index.html')), {
      openExternal: async (url) => void opened.push(url),
    });
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-navigate', INDEX_URL)).toBe(false);
    expect(contents.openHandler?.({ url: 'https://learn.microsoft.com/azure-stack' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://learn.microsoft.com/azure-stack']);
  });

  it('puts the CSP on every response and grants no permission', () => {
    const session = new SessionStandIn();
    hardenSession(session);
    let granted: boolean | null = null;
    session.permissionHandler?.(null, 'notifications', (g) => (granted = g));
    expect(granted).toBe(false);
    let headers: Record<string, string[] | string> | undefined;
    session.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (response) => (headers = response.responseHeaders));
    expect(String(headers?.['Content-Security-Policy'])).toContain("script-src 'self'");
    expect(headers?.['X-Other']).toEqual(['1']);
  });
});

describe('desktop start-up', () => {
  class AppStandIn implements AppLike {
    quitCalled = false;
    readonly listeners = new Map<string, (...args: never[]) => void>();
    constructor(private readonly lock: boolean) {}
    requestSingleInstanceLock(): boolean {
      return this.lock;
    }
    quit(): void {
      this.quitCalled = true;
    }
    on(event: string, listener: (...args: never[]) => void): this {
      this.listeners.set(event, listener);
      return this;
    }
  }

  it('quits when another console already holds the single-instance lock', () => {
    const app = new AppStandIn(false);
    expect(claimSingleInstance(app, () => undefined)).toBe(false);
    expect(app.quitCalled).toBe(true);
  });

  it('focuses the existing window when a second instance starts', () => {
    const app = new AppStandIn(true);
    let focused = 0;
    expect(claimSingleInstance(app, () => focused++)).toBe(true);
    (app.listeners.get('second-instance') as () => void)();
    expect(focused).toBe(1);
  });

  it('wires handlers, loads the built renderer with the preload, and forwards engine events', async () => {
    const ipc = new IpcMainStandIn();
    const contents = new WebContentsStandIn(42);
    const created: Array<ReturnType<typeof mainWindowOptions>> = [];
    let loaded = '';
    class WindowStandIn implements BrowserWindowLike {
      webContents = contents;
      constructor(options: ReturnType<typeof mainWindowOptions>) {
        created.push(options);
      }
      async loadFile(path: string) {
        loaded = path;
      }
      async loadURL(url: string) {
        loaded = url;
      }
      once() {
        return this;
      }
      on() {
        return this;
      }
      show() {}
      focus() {}
      isMinimized() {
        return false;
      }
      restore() {}
      isDestroyed() {
        return false;
      }
    }
    const engine = engineStandIn({ getSettings: { ok: true, value: { configured: false } } });
    const parts: DesktopParts = {
      app: new AppStandIn(true),
      BrowserWindow: WindowStandIn,
      ipcMain: ipc,
      session: new SessionStandIn(),
      dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) },
      shell: { openExternal: async () => undefined },
      darkMode: false,
    };
    await openDesktop(parts, engine.connection, { outDir: OUT });
    expect(created[0]?.webPreferences.preload).toBe(join(OUT, 'preload', 'index.cjs'));
    expect(loaded).toBe(join(OUT, 'renderer', 'index.html'));
    expect(ipc.handlers.has(IPC_PICK_FILE_CHANNEL)).toBe(true);
    // a call from another webContents (id 5) is refused; from the window (42) it is served
    const foreign = (await ipc.invoke(ipcChannel('getSettings'), frameEvent(INDEX_URL, 5))) as ApiResult<unknown>;
    expect(foreign.ok).toBe(false);
    const own = (await ipc.invoke(ipcChannel('getSettings'), frameEvent(INDEX_URL, 42))) as ApiResult<unknown>;
    expect(own.ok).toBe(true);
    // the navigation guard is on the window's contents
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    // a picked-file request from a foreign frame is refused before any dialog opens
    const pick = (await ipc.invoke(IPC_PICK_FILE_CHANNEL, frameEvent('https://evil.example/', 42), 'certificate')) as ApiResult<unknown>;
    expect(pick.ok).toBe(false);
    // engine events reach the window on the one event channel
    engine.push({ type: 'alerts-changed', alerts: [] });
    expect(contents.sent).toEqual([{ channel: IPC_EVENT_CHANNEL, args: [{ type: 'alerts-changed', alerts: [] }] }]);
  });
});
