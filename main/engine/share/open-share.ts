/**
 * Turns the configured location into a FileShare: a UNC path is served by the
 * SMB driver (smbclient; on Windows the OS redirector, connected with the
 * configured account), any other absolute path by the local driver — wrapped
 * in the retry layer, so every caller gets connectivity failures retried and
 * nothing else. The location is parsed by the one parser the settings schema
 * uses (common/unc-location.ts).
 */
import { localPathStyleOf, tryParseUncLocation } from '../../../common/unc-location';
import { invalidInput } from '../errors';
import type { FileShare } from './file-share';
import { LocalShare } from './local-share';
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
  /** The console's config folder: the SMB driver keeps its private folders there (see smbclient-private-dir.ts). */
  configDir?: string;
  /** Driver tuning and test hooks (timeouts, spawn). */
  smb?: Partial<Omit<SmbShareOptions, 'address' | 'share' | 'folder' | 'username' | 'password' | 'port'>>;
  /** Default DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  platform?: NodeJS.Platform;
  /** The Win32 calls of the Windows driver (tests pass a stand-in). */
  win32Net?: Win32Net;
}

export function openFileShare(input: ShareLocationInput): FileShare {
  return new RetryingShare(openDriver(input), input.retry ?? DEFAULT_RETRY_POLICY);
}

function openDriver(input: ShareLocationInput): FileShare {
  const platform = input.platform ?? process.platform;
  const parsed = tryParseUncLocation(input.location, localPathStyleOf(platform));
  if (!parsed.ok) throw invalidInput('location', parsed.message, 'Enter the path as \\\\server\\share\\folder.');
  const location = parsed.location;
  if (location.kind === 'local') return new LocalShare(location.path);
  if (platform === 'win32') {
    if ((input.smbPort ?? 445) !== 445) {
      throw invalidInput(
        'smbPort',
        'The Windows SMB client connects on port 445 only.',
        'Remove the SMB port setting, or run the console on a Linux station to reach a share on another port.',
      );
    }
    return new WindowsSmbShare({
      ...windowsUncNames(location),
      username: input.username,
      password: input.password,
      net: input.win32Net ?? koffiWin32Net,
    });
  }
  return new SmbShare({
    ...input.smb,
    address: location.address,
    share: location.share,
    folder: location.folders.join('/'),
    port: input.smbPort ?? 445,
    username: input.username,
    password: input.password,
    ...(input.configDir ? { configDir: input.configDir } : {}),
  });
}
