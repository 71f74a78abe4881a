import { PRODUCT_NAME } from '../engine/app/config-dir';
import { CONTENT_SECURITY_POLICY } from '../web/security';
import type { SessionLike, ShellLike, WebContentsLike } from './electron-like';

/** BrowserWindow options: the security defaults are not negotiable (see docs/ARCHITECTURE.md). */
export function mainWindowOptions(preloadPath: string, darkBackground: boolean) {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: PRODUCT_NAME,
    backgroundColor: darkBackground ? '#101014' : '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  } as const;
}

/**
 * One navigation policy for every web contents: the console never navigates
 * away from itself, never opens windows, never attaches webviews. http(s)
 * links (documentation) open in the operator's browser; nothing else does.
 */
export function applyNavigationPolicy(contents: WebContentsLike, isAppUrl: (url: string) => boolean, shell: ShellLike): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalDocumentationUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function isExternalDocumentationUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** CSP on every response, and no web permission (camera, notifications from pages, …) is ever granted. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}
