import { pathToFileURL } from 'node:url';
import type { FrameLike } from './electron-like';

/**
 * Decides whether a URL belongs to the console itself: the built renderer on
 * disk, or the dev server while developing. Everything else is foreign.
 */
export function createAppUrlCheck(rendererIndexPath: string, devServerUrl?: string): (url: string) => boolean {
  const indexUrl = pathToFileURL(rendererIndexPath).href;
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null;
  return (url: string) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol === 'file:') return parsed.origin + parsed.pathname === new URL(indexUrl).origin + new URL(indexUrl).pathname;
    return devOrigin !== null && parsed.origin === devOrigin;
  };
}

/** IPC is accepted only from the app's own top-level frame in its own window. */
export function isTrustedSender(
  frame: FrameLike | null,
  senderId: number,
  windowContentsId: number | null,
  isAppUrl: (url: string) => boolean,
): boolean {
  if (frame === null) return false;
  if (frame.parent !== null) return false;
  if (windowContentsId !== null && senderId !== windowContentsId) return false;
  return isAppUrl(frame.url);
}
