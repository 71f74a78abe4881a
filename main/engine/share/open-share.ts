/**
 * Turns the configured location into a FileShare: a UNC path is served by the
 * SMB driver (natively by the OS on Windows, where Node opens UNC paths), any
 * other absolute path by the local driver — wrapped in the retry layer, so
 * every caller gets connectivity failures retried and nothing else. The
 * location is parsed by the one parser the settings schema uses
 * (common/unc-location.ts).
 */
import { tryParseUncLocation } from '../../../common/unc-location';
import { invalidInput } from '../errors';
import type { FileShare } from './file-share';
import { LocalShare } from './local-share';
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
  smb?: Partial<Omit<SmbShareOptions, 'address' | 'share' | 'folder' | 'username' | 'password' | 'port'>>;
  /** Default DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  platform?: NodeJS.Platform;
}

export function openFileShare(input: ShareLocationInput): FileShare {
  return new RetryingShare(openDriver(input), input.retry ?? DEFAULT_RETRY_POLICY);
}

function openDriver(input: ShareLocationInput): FileShare {
  const parsed = tryParseUncLocation(input.location);
  if (!parsed.ok) throw invalidInput('location', parsed.message, 'Enter the path as \\\\server\\share\\folder.');
  const location = parsed.location;
  if (location.kind === 'local') return new LocalShare(location.path);
  if ((input.platform ?? process.platform) === 'win32') return new LocalShare(location.normalized);
  return new SmbShare({
    ...input.smb,
    address: location.address,
    share: location.share,
    folder: location.folders.join('/'),
    port: input.smbPort ?? 445,
    username: input.username,
    password: input.password,
  });
}
