import { EventSource } from 'eventsource';
import type { ApiError, ApiEvent, ApiMethod, ApiResult } from '../../../preload/api';
import type { Transport } from './client';

/** Where this tab keeps its session secret: sessionStorage is readable by this origin (scheme, host and port) only. */
const SESSION_KEY = 'ibc.session';

const SESSION_EXPIRED: ApiError = {
  code: 'internal',
  message: 'The console session has expired or this sign-in link was already used.',
  remediation: 'Open the console with the newest sign-in link printed where it was started.',
};

/**
 * The web host speaks the same contract: POST /api/<method> {input}, events on
 * /api/events. The credential is a per-tab session secret sent as a Bearer
 * header — never a cookie, which the browser would also send to every other
 * port of 127.0.0.1. The page trades the one-time `?token=` of its sign-in
 * link for that secret, then removes the token from the address bar.
 */
export function httpTransport(base = ''): Transport {
  let session: Promise<string | null> | null = null;
  const currentSession = (): Promise<string | null> => (session ??= openSession(base));

  return {
    kind: 'web',
    async call(method: ApiMethod, input: unknown): Promise<ApiResult<unknown>> {
      const secret = await currentSession();
      if (secret === null) return { ok: false, error: SESSION_EXPIRED };
      const response = await fetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
        credentials: 'omit',
        body: JSON.stringify({ input }),
      });
      if (response.status === 401) return { ok: false, error: SESSION_EXPIRED };
      if (!response.ok) {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `The console server answered ${response.status}.`,
            remediation: 'Reload the page; if it persists, restart the console.',
          },
        };
      }
      return (await response.json()) as ApiResult<unknown>;
    },
    subscribe(listener: (event: ApiEvent) => void): () => void {
      let source: EventSource | null = null;
      let closed = false;
      void currentSession().then((secret) => {
        if (closed || secret === null) return;
        // EventSource cannot set headers; this one (WHATWG-compliant, reconnecting) lets us give it a fetch that does.
        source = new EventSource(`${base}/api/events`, {
          fetch: (url, init) =>
            fetch(url, { ...init, credentials: 'omit', headers: { ...init.headers, Authorization: `Bearer ${secret}` } }),
        });
        source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as ApiEvent);
      });
      return () => {
        closed = true;
        source?.close();
      };
    },
  };
}

/** This tab's session: a fresh one for a sign-in link in the address bar, else the one kept across reloads. */
async function openSession(base: string): Promise<string | null> {
  const signInToken = takeSignInToken();
  if (signInToken !== null) {
    const response = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${signInToken}` },
      credentials: 'omit',
    });
    if (response.ok) {
      const { sessionToken } = (await response.json()) as { sessionToken: string };
      sessionStorage.setItem(SESSION_KEY, sessionToken);
      return sessionToken;
    }
  }
  return sessionStorage.getItem(SESSION_KEY);
}

/** Reads `?token=` and removes it from the address bar (and this entry of the history) before anything else runs. */
function takeSignInToken(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return null;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return token;
}
