/**
 * The engine's smbclient sessions (smbclient-session.ts), one per endpoint,
 * shared by every SMB driver the engine opens for it: a job, the listing,
 * retention pass and capacity reading after it, and an operator's listing
 * meanwhile go through one signed-in smbclient instead of one each (issue 13:
 * 5 smbclient processes per backup before, 2 now — the session and the
 * component's upload). A driver's close() leaves a shared session to its
 * idle timer; the engine closes them all when it closes.
 *
 * Sessions are shared only between drivers whose every endpoint setting is
 * the same — account, password, timeouts, program, even the spawn function a
 * test injects — so a changed account or password gets a session of its own,
 * and the old one ends after its idle time.
 */
import type { SmbEndpoint } from './smbclient-runner';
import { SmbclientSession } from './smbclient-session';

export class SmbclientSessions {
  private readonly sessions: Array<{ endpoint: SmbEndpoint; session: SmbclientSession }> = [];
  private ended = false;

  /** The session for `endpoint`, started on its first request. */
  sessionFor(endpoint: SmbEndpoint): SmbclientSession {
    const known = this.sessions.find((entry) => sameEndpoint(entry.endpoint, endpoint));
    if (known) return known.session;
    const session = new SmbclientSession(endpoint);
    if (this.ended) session.end();
    this.sessions.push({ endpoint, session });
    return session;
  }

  /** The console is stopping: every session's request under way ends now, and no request is sent any more (SmbclientSession.end). */
  end(): void {
    this.ended = true;
    for (const entry of this.sessions) entry.session.end();
  }

  /** Ends every session's smbclient, after the requests already queued. */
  async close(): Promise<void> {
    const all = this.sessions.splice(0);
    await Promise.all(all.map((entry) => entry.session.close()));
  }
}

function sameEndpoint(a: SmbEndpoint, b: SmbEndpoint): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.share === b.share &&
    a.username === b.username &&
    a.domain === b.domain &&
    a.password === b.password &&
    a.timeoutSeconds === b.timeoutSeconds &&
    a.deadlines.operationMs === b.deadlines.operationMs &&
    a.deadlines.stallMs === b.deadlines.stallMs &&
    a.configDir === b.configDir &&
    a.encryption === b.encryption &&
    a.smbclientPath === b.smbclientPath &&
    a.spawn === b.spawn
  );
}
