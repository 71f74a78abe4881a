import type {
  IpcInvokeEventLike,
  IpcMainLike,
  NavigationEventLike,
  SessionLike,
  WebContentsLike,
} from '../../../main/electron/electron-like';

type Handler = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

/** Records handlers like ipcMain does, and lets a test invoke them as a renderer would. */
export class IpcMainStandIn implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: IpcInvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export class WebContentsStandIn implements WebContentsLike {
  readonly listeners = new Map<string, Array<(...args: unknown[]) => void>>();
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  openHandler: ((details: { url: string }) => { action: 'deny' } | { action: 'allow' }) | null = null;
  constructor(readonly id: number) {}
  on(event: string, listener: (...args: never[]) => void): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as (...args: unknown[]) => void);
    this.listeners.set(event, list);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return false;
  }
  /** Fires a navigation event and reports whether the policy prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    const navEvent: NavigationEventLike = { preventDefault: () => (prevented = true) };
    for (const listener of this.listeners.get(event) ?? []) listener(navEvent, url);
    return prevented;
  }
}

export class SessionStandIn implements SessionLike {
  permissionHandler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  headersListener: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0] | null = null;
  setPermissionRequestHandler(handler: SessionStandIn['permissionHandler']): void {
    this.permissionHandler = handler;
  }
  webRequest = {
    onHeadersReceived: (listener: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0]) => {
      this.headersListener = listener;
    },
  };
}
