import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The console's content security policy, shared by the web host and the Electron window. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Naive UI injects its generated styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Only the loopback names of our own port: defeats DNS rebinding. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/** `Authorization: Bearer <value>`: the only place a credential is read from. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
}

/**
 * The web host's credentials. A browser sends cookies to every port of
 * 127.0.0.1, so a cookie would reach any other local user's listener; a header
 * set by our own page's script reaches only our origin. So: the URL printed at
 * start carries a one-time sign-in token; the page trades it for a session
 * secret it keeps in sessionStorage (our origin only) and sends as a Bearer
 * header. Each trade spends the sign-in token and issues the next one, so a
 * link seen in a terminal, a history list or a screenshot opens nothing.
 */
export class WebCredentials {
  private signInToken: string;
  private readonly sessions: string[] = [];

  constructor(
    firstSignInToken: string,
    private readonly onSignInTokenSpent: (next: string) => void = () => undefined,
  ) {
    this.signInToken = firstSignInToken;
  }

  get currentSignInToken(): string {
    return this.signInToken;
  }

  /** The session secret for a page that presented the current sign-in token; null for any other value. */
  exchange(presented: string | undefined): string | null {
    if (!tokensEqual(this.signInToken, presented)) return null;
    const session = newToken();
    this.sessions.push(session);
    this.signInToken = newToken();
    this.onSignInTokenSpent(this.signInToken);
    return session;
  }

  acceptsSession(presented: string | undefined): boolean {
    return this.sessions.some((session) => tokensEqual(session, presented));
  }
}
