/**
 * The real Win32 bindings through koffi, under Windows Node (the Wine lane):
 * they load, they call, and what Wine answers is mapped like Windows would be.
 * Wine has no SMB redirector, so WNetAddConnection2W answers 1222 (no network).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../main/engine/errors';
import { DpapiSecretStore, windowsDpapi } from '../../main/engine/secrets';
import { openFileShare } from '../../main/engine/share/open-share';
import { koffiWin32Net } from '../../main/engine/share/windows-smb/koffi-win32-net';
import { windowsEventLog } from '../../main/engine/notify/windows-event-log';
const signal = new AbortController().signal;

describe('koffi Win32 bindings (mpr.dll, kernel32.dll, crypt32.dll)', () => {
  it('WNetAddConnection2W answers, and 1222 (no network) is a connectivity failure through the driver', async () => {
    expect(await koffiWin32Net.addConnection('\\\\fs01.contoso.com\\Backups', 'CONTOSO\\u', 'p')).toBe(1222);
    const share = openFileShare({ location: '\\\\fs01.contoso.com\\Backups\\nyc', username: 'CONTOSO\\u', password: 'Pa55-w0rd!' });
    const error = await share.stat('MASBackup', signal).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).category).toBe('connectivity');
    expect((error as EngineError).message).toContain('Windows error 1222');
    expect((error as EngineError).message).not.toContain('Pa55-w0rd!');
    await share.close();
  });

  it('WNetCancelConnection2W and WNetGetUserW answer', async () => {
    expect(typeof (await koffiWin32Net.cancelConnection('\\\\fs01\\Backups', false))).toBe('number');
    const identity = await koffiWin32Net.connectedUser('\\\\fs01\\Backups');
    expect(typeof identity.code).toBe('number');
  });

  it('GetDiskFreeSpaceExW reads a local folder, and reports a missing one by code', async () => {
    const space = await koffiWin32Net.diskSpace(os.tmpdir());
    expect(space.code).toBe(0);
    expect(space.totalBytes).toBeGreaterThan(0);
    expect(space.freeBytes).toBeGreaterThan(0);
    expect((await koffiWin32Net.diskSpace(path.join(os.tmpdir(), 'ibc-no-such-folder', 'x'))).code).not.toBe(0);
  });

  it('DPAPI protects for this user, binds the name, and the store keeps no plaintext', async () => {
    const secret = Buffer.from('S3cret-Pässword');
    const blob = windowsDpapi.protect(secret, Buffer.from('share-password'));
    expect(blob.includes(secret)).toBe(false);
    expect(windowsDpapi.unprotect(blob, Buffer.from('share-password')).equals(secret)).toBe(true);
    expect(() => windowsDpapi.unprotect(blob, Buffer.from('legacy-encryption-key'))).toThrow(/Windows error/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ibc-dpapi-'));
    try {
      new DpapiSecretStore(dir, windowsDpapi).set('share-password', 'S3cret-Pässword');
      expect(new DpapiSecretStore(dir, windowsDpapi).get('share-password')).toBe('S3cret-Pässword');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('RegisterEventSourceW / ReportEventW / DeregisterEventSource (advapi32.dll) write an alert event', async () => {
    await windowsEventLog().write([{ eventId: 3000, level: 'information', message: 'Test message: notifications reach the system log.' }]);
  });
});
