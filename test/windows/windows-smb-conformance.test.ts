/**
 * The FileShare conformance suite against the Windows share driver, under
 * Windows Node (the Wine lane). Wine has no SMB redirector, so the connection
 * calls are a stand-in that "connects" as the configured account; the file
 * I/O runs on a Windows path of a local folder, and free space comes from the
 * real GetDiskFreeSpaceExW.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { koffiWin32Net } from '../../main/engine/share/windows-smb/koffi-win32-net';
import type { Win32Net } from '../../main/engine/share/windows-smb/win32-net';
import { WindowsSmbShare } from '../../main/engine/share/windows-smb/windows-smb-share';
import { describeShareConformance } from '../integration/share/conformance';

const USER = 'CONTOSO\\backupuser';

function connectedNet(calls: string[]): Win32Net {
  return {
    addConnection: async (remote) => (calls.push(`add ${remote}`), 0),
    cancelConnection: async (remote) => (calls.push(`cancel ${remote}`), 0),
    connectedUser: async () => ({ code: 0, user: USER }),
    diskSpace: (folder) => koffiWin32Net.diskSpace(folder),
  };
}

describe('the lane runs Windows Node', () => {
  it('is win32', () => expect(process.platform).toBe('win32'));
});

const calls: string[] = [];
describeShareConformance('windows-smb over a local folder (Wine)', async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'ibc-winsmb-'));
  const open = (backupFolder: string): WindowsSmbShare =>
    new WindowsSmbShare({
      remote: '\\\\fs01\\Backups',
      folder: backupFolder,
      username: USER,
      password: 'unused-here',
      net: connectedNet(calls),
    });
  const share = open(folder);
  const missingFolder = open(path.join(folder, 'no-such-folder'));
  return {
    share,
    missingFolder,
    // Share names are the redirector's to resolve; under Wine there is none (1222 is covered by the binding test).
    missingShare: null,
    // Creating links needs a privilege Windows lanes do not have; the local and SMB lanes cover links.
    plantLink: null,
    cleanup: async () => {
      await share.close();
      await missingFolder.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
});

describe('windows-smb connection bookkeeping under the suite', () => {
  it('connected and disconnected in pairs', () => {
    const adds = calls.filter((call) => call.startsWith('add')).length;
    expect(adds).toBeGreaterThan(0);
    expect(calls.filter((call) => call.startsWith('cancel')).length).toBe(adds);
  });
});
