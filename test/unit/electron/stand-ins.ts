import type {
  IpcInvokeEventLike,
  IpcMainLike,
  NavigationEventLike,
  SessionLike,
  UtilityProcessForkerLike,
  UtilityProcessLike,
  WebContentsLike,
} from '../../../main/electron/electron-like';
import type { MessagePortLike } from '../../../main/engine/host/protocol';
import type { SafeStorageLike } from '../../../main/engine/secrets/safe-storage-secret-store';

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

type PortListener = (event: { data: unknown }) => void;

/**
 * One end of an in-memory MessageChannelMain: messages are delivered
 * asynchronously and in order, and queued until `start()`, as Electron does.
 */
export class PortStandIn implements MessagePortLike {
  other: PortStandIn | null = null;
  private started = false;
  private closed = false;
  private readonly queue: unknown[] = [];
  private readonly messageListeners: PortListener[] = [];
  private readonly closeListeners: Array<() => void> = [];

  postMessage(message: unknown): void {
    if (this.closed) return;
    this.other?.deliver(structuredClone(message));
  }
  on(event: 'message' | 'close', listener: PortListener | (() => void)): this {
    if (event === 'message') this.messageListeners.push(listener as PortListener);
    else this.closeListeners.push(listener as () => void);
    return this;
  }
  start(): void {
    this.started = true;
    for (const data of this.queue.splice(0)) this.emit(data);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const other = this.other;
    if (other && !other.closed) {
      other.closed = true;
      queueMicrotask(() => other.closeListeners.forEach((listener) => listener()));
    }
  }
  private deliver(data: unknown): void {
    if (this.closed) return;
    if (this.started) this.emit(data);
    else this.queue.push(data);
  }
  private emit(data: unknown): void {
    queueMicrotask(() => {
      if (!this.closed) for (const listener of this.messageListeners) listener({ data });
    });
  }
}

export class MessageChannelStandIn {
  readonly port1 = new PortStandIn();
  readonly port2 = new PortStandIn();
  constructor() {
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  }
}

/** A child started by the utilityProcess stand-in: the test plays the engine host on `hostPort`. */
export class UtilityChildStandIn implements UtilityProcessLike {
  hostPort: PortStandIn | null = null;
  readonly parentMessages: unknown[] = [];
  killed = 0;
  exited = false;
  private readonly exitListeners: Array<(code: number) => void> = [];
  constructor(
    readonly modulePath: string,
    private readonly onConnect?: (port: PortStandIn, child: UtilityChildStandIn) => void,
  ) {}

  postMessage(message: unknown, transfer?: MessagePortLike[]): void {
    this.parentMessages.push(message);
    const port = transfer?.[0];
    if (!(port instanceof PortStandIn)) return;
    this.hostPort = port;
    this.onConnect?.(port, this);
  }
  on(_event: 'exit', listener: (code: number) => void): this {
    this.exitListeners.push(listener);
    return this;
  }
  kill(): boolean {
    this.killed++;
    this.exit(143);
    return true;
  }
  /** The process ends (a crash, or after kill): Electron emits 'exit' once. */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.hostPort?.close();
    queueMicrotask(() => this.exitListeners.forEach((listener) => listener(code)));
  }
}

/** Records forks; `onConnect` plays the engine host on each child's port (or the test does, by hand). */
export class UtilityProcessStandIn implements UtilityProcessForkerLike {
  readonly children: UtilityChildStandIn[] = [];
  constructor(private readonly onConnect?: (port: PortStandIn, child: UtilityChildStandIn) => void) {}
  fork(modulePath: string): UtilityChildStandIn {
    const child = new UtilityChildStandIn(modulePath, this.onConnect);
    this.children.push(child);
    return child;
  }
  get latest(): UtilityChildStandIn {
    const child = this.children.at(-1);
    if (!child) throw new Error('nothing was forked');
    return child;
  }
}

/** Electron's safeStorage in main: reversible like the real thing, and refuses what it did not make. */
export const fakeSafeStorage = (backend = 'gnome_libsecret'): SafeStorageLike & { encrypted: string[] } => {
  const encrypted: string[] = [];
  return {
    encrypted,
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (plainText) => {
      encrypted.push(plainText);
      return Buffer.concat([Buffer.from('v11'), Buffer.from(plainText, 'utf8').reverse()]);
    },
    decryptString: (data) => {
      if (!data.subarray(0, 3).equals(Buffer.from('v11')))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(data.subarray(3)).reverse().toString('utf8');
    },
  };
};
