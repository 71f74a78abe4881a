/**
 * Turns the configured location into a FileShare: a UNC path is served by the
 * SMB driver (smbclient; on Windows the OS redirector, connected with the
 * configured account), any other absolute path by the local driver — wrapped
 * in the retry layer, so every caller gets connectivity failures retried and
 * nothing else.
 */
import path from 'node:path';
import { invalidInput } from '../errors';
import type { FileShare } from './file-share';
import { LocalShare } from './local-share';
import { parseUncPath } from './smb-location';
import { SmbShare, type SmbShareOptions } from './smb-share';
import { koffiWin32Net } from './windows-smb/koffi-win32-net';
import type { Win32Net } from './windows-smb/win32-net';
import { windowsUncNames } from './windows-smb/windows-unc';
import { WindowsSmbShare } from './windows-smb/windows-smb-share';
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
  /** The Win32 calls of the Windows driver (tests pass a stand-in). */
  win32Net?: Win32Net;
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
    if ((input.platform ?? process.platform) === 'win32') {
      if ((input.smbPort ?? 445) !== 445) {
        throw invalidInput(
          'smbPort',
          'The Windows SMB client connects on port 445 only.',
          'Remove the SMB port setting, or run the console on a Linux station to reach a share on another port.',
        );
      }
      return new WindowsSmbShare({
        ...windowsUncNames(unc),
        username: input.username,
        password: input.password,
        net: input.win32Net ?? koffiWin32Net,
      });
    }
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
