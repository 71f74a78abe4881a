/**
 * Turns the configured location into a FileShare: a UNC path is served by the
 * SMB driver (natively by the OS on Windows, where Node opens UNC paths), any
 * other absolute path by the local driver — wrapped in the retry layer, so
 * every caller gets connectivity failures retried and nothing else.
 */
import path from 'node:path';
import { invalidInput } from '../errors';
import type { FileShare } from './file-share';
import { LocalShare } from './local-share';
import { parseUncPath } from './smb-location';
import { SmbShare, type SmbShareOptions } from './smb-share';
import { DEFAULT_RETRY_POLICY, RetryingShare, type RetryPolicy } from './wrappers/retrying-share';

export interface ShareLocationInput {
  /** `\\host\share\folder` or an absolute local folder. */
  location: string;
  username: string;
  password: string;
  /** Default 445. */
  smbPort?: number;
  /** Driver tuning and test hooks (timeouts, spawn). */
  smb?: Partial<Omit<SmbShareOptions, 'host' | 'share' | 'folder' | 'username' | 'password' | 'port'>>;
  /** Default DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  platform?: NodeJS.Platform;
}

export function isUncPath(location: string): boolean {
  return /^(\\\\|\/\/)/.test(location.trim());
}

export function openFileShare(input: ShareLocationInput): FileShare {
  return new RetryingShare(openDriver(input), input.retry ?? DEFAULT_RETRY_POLICY);
}

function openDriver(input: ShareLocationInput): FileShare {
  const location = input.location.trim();
  if (isUncPath(location)) {
    const unc = parseUncPath(location);
    if ((input.platform ?? process.platform) === 'win32') return new LocalShare(location);
    return new SmbShare({
      ...input.smb,
      host: unc.host,
      share: unc.share,
      folder: unc.folder,
      port: input.smbPort ?? 445,
      username: input.username,
      password: input.password,
    });
  }
  if (!path.isAbsolute(location)) {
    throw invalidInput(
      'location',
      'The backup location must be a UNC path (\\\\server\\share\\folder) or an absolute folder path.',
      'Enter the full path.',
    );
  }
  return new LocalShare(location);
}
