import type { MessagePortLike } from '../engine/host/protocol';

/**
 * The slices of Electron's API the adapter uses. The adapter takes these as
 * parameters so its wiring is unit-tested with stand-ins where the Electron
 * binary is not installed; Electron's real objects satisfy them structurally.
 */
export interface FrameLike {
  url: string;
  parent: FrameLike | null;
}

export interface IpcInvokeEventLike {
  sender: { id: number };
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface NavigationEventLike {
  preventDefault(): void;
}

export interface WebContentsLike {
  id: number;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEventLike, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

/** Electron's MessageChannelMain: two entangled MessagePortMain ends. */
export type MessageChannelConstructorLike = new () => { port1: MessagePortLike; port2: MessagePortLike };

/** A process started by Electron's `utilityProcess.fork`. */
export interface UtilityProcessLike {
  postMessage(message: unknown, transfer?: MessagePortLike[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** SIGTERM on POSIX; Electron reaps the process. */
  kill(): boolean;
}

export interface UtilityProcessForkerLike {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore' }): UtilityProcessLike;
}
