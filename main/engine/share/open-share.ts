import { parseUncLocation } from '../../../common/settings-schema';
import type { FileShare } from './file-share';
import { LocalShare } from './local-share';
import { SmbShare } from './smb-share';

export interface ShareAccess {
  location: string;
  username: string;
  password: string;
  smbPort: number;
}

/** The driver for a configured location: SMB for a UNC path, the local driver for a mounted folder. */
export function openShare(access: ShareAccess): FileShare {
  const location = parseUncLocation(access.location);
  if (location.kind === 'local') return new LocalShare(location.path);
  return new SmbShare({
    host: location.host,
    port: access.smbPort,
    share: location.share,
    folder: location.folders.join('/'),
    username: access.username,
    password: access.password,
  });
}
