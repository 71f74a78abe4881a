import { CONNECT_MESSAGE, type MessagePortLike } from './protocol';

/** The slice of a Node child process's own IPC channel (`process` when forked with an IPC channel). */
export interface ProcessChannelLike {
  connected?: boolean;
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  disconnect?(): void;
}

/**
 * The host's port when it was started with `child_process.fork` (tests, and
 * any plain-Node supervisor): the process channel, shaped like Electron's
 * MessagePortMain so the host code is the same in both.
 */
export function processChannelPort(channel: ProcessChannelLike): MessagePortLike {
  return {
    postMessage: (message) => {
      // After the parent went away there is nobody to tell; 'disconnect' ends the host.
      if (channel.connected !== false) channel.send?.(message);
    },
    on: (event: 'message' | 'close', listener: ((event: { data: unknown }) => void) | (() => void)) => {
      if (event === 'message') channel.on('message', (data) => (listener as (event: { data: unknown }) => void)({ data }));
      else channel.on('disconnect', listener as () => void);
    },
    start: () => undefined,
    close: () => channel.disconnect?.(),
  };
}

/** Electron's `process.parentPort` in a utility process, as far as the host uses it. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: MessagePortLike[] }) => void): unknown;
}

/** Waits for main's connect message on the utility process's parent port and returns the MessagePort it carries. */
export function portFromParent(parentPort: ParentPortLike): Promise<MessagePortLike> {
  return new Promise((resolve) => {
    let connected = false;
    parentPort.on('message', (event) => {
      const port = event.ports[0];
      if (connected || event.data !== CONNECT_MESSAGE || !port) return;
      connected = true;
      resolve(port);
    });
  });
}
