import type { Logger } from './app/logger';
import type { EventHub } from './app/events';
import type { OpenedSettings } from './settings';
import type { SourceStore } from './sources/source-store';
import type { FileShare } from './share/file-share';
import { openFileShare } from './share/open-share';
import type { SmbclientSessions } from './share/smbclient-sessions';
import { EngineError } from './errors';

/** What the engine's method groups share. Built once by createEngine. */
export interface EngineContext {
  configDir: string;
  now: () => Date;
  logger: Logger;
  events: EventHub;
  settings: OpenedSettings;
  sources: SourceStore;
  /** Opens a driver for a location (openFileShare; tests wrap it). */
  openShare: typeof openFileShare;
  /** The smbclient sessions every driver of the configured share shares (closed with the engine). */
  smbSessions: SmbclientSessions;
}

export function notConfigured(): EngineError {
  return new EngineError({
    code: 'not-configured',
    message: 'Backup is not configured yet.',
    remediation: 'Open Configuration and set the backup storage location, credentials and encryption certificate.',
  });
}

/** A driver for the configured share, with the stored password; the caller closes it (an SMB driver's session stays, shared: smbclient-sessions.ts). */
export function openConfiguredShare(ctx: EngineContext): FileShare {
  const settings = ctx.settings.service.stored();
  if (!settings.configured) throw notConfigured();
  return ctx.openShare({
    location: settings.location,
    username: settings.username,
    password: ctx.settings.service.sharePassword() ?? '',
    smbPort: settings.smbPort,
    configDir: ctx.configDir,
    smb: { sessions: ctx.smbSessions },
  });
}

export async function withConfiguredShare<T>(ctx: EngineContext, use: (share: FileShare) => Promise<T>): Promise<T> {
  const share = openConfiguredShare(ctx);
  try {
    return await use(share);
  } finally {
    await share.close();
  }
}
