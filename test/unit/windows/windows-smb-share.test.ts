import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors';
import { SHARE_FAILURE_TEXTS } from '../../../main/engine/share/share-failure-texts';
import { isSameAccount } from '../../../main/engine/share/windows-smb/connected-identity';
import type { Win32Net } from '../../../main/engine/share/windows-smb/win32-net';
import { categoryOfWin32Code, CREDENTIAL_CONFLICT_REMEDIATION } from '../../../main/engine/share/windows-smb/win32-share-errors';
import { windowsUncNames } from '../../../main/engine/share/windows-smb/windows-unc';
import { WindowsSmbShare } from '../../../main/engine/share/windows-smb/windows-smb-share';
import { parseUncLocation } from '../../../common/unc-location';
import { makeTempDir } from '../../support/temp-dir';

const REMOTE = '\\\\fs01.contoso.com\\Backups';
const USER = 'CONTOSO\\backupuser';
const PASSWORD = 'Pa55-w0rd-Share!';
/** These tests do not cancel; one signal that never aborts serves every call. */
const signal = new AbortController().signal;

/** A scripted Win32Net that records every call in order. */
class StandInNet implements Win32Net {
  readonly calls: string[] = [];
  addCode = 0;
  userReported = USER;
  userCode = 0;
  cancelCodes: number[] = [];
  diskCode = 0;
  /** When set, addConnection waits for it (a connect still in flight). */
  addGate: Promise<void> | null = null;

  async addConnection(remote: string, username: string, password: string): Promise<number> {
    this.calls.push(`add ${remote} ${username} ${password === PASSWORD ? '<password>' : '<other>'}`);
    if (this.addGate) await this.addGate;
    return this.addCode;
  }
  async cancelConnection(remote: string, force: boolean): Promise<number> {
    this.calls.push(`cancel ${remote}${force ? ' force' : ''}`);
    return this.cancelCodes.shift() ?? 0;
  }
  async connectedUser(remote: string): Promise<{ code: number; user: string }> {
    this.calls.push(`user ${remote}`);
    return { code: this.userCode, user: this.userCode === 0 ? this.userReported : '' };
  }
  async diskSpace(path: string): Promise<{ code: number; freeBytes: number; totalBytes: number }> {
    this.calls.push(`space ${path}`);
    return { code: this.diskCode, freeBytes: this.diskCode ? 0 : 5e12, totalBytes: this.diskCode ? 0 : 8e12 };
  }
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let net: StandInNet;
let disconnectFailures: number[];
beforeEach(async () => {
  temp = await makeTempDir('ibc-winsmb-');
  net = new StandInNet();
  disconnectFailures = [];
});
afterEach(() => temp.remove());

/** The driver over a local folder: the file I/O is the local driver's, the Win32 calls the stand-in's. */
function openShare(): WindowsSmbShare {
  return new WindowsSmbShare({
    remote: REMOTE,
    folder: temp.path,
    username: USER,
    password: PASSWORD,
    net,
    onDisconnectFailure: (code) => disconnectFailures.push(code),
  });
}

const CONNECT = [`add ${REMOTE} ${USER} <password>`, `user ${REMOTE}`];
const DISCONNECT = `cancel ${REMOTE}`;

async function failureOf(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('Windows share driver: connect → work → disconnect', () => {
  it('connects once before the first operation, does the I/O on the folder, and disconnects on close', async () => {
    const share = openShare();
    expect(net.calls).toEqual([]);
    await share.mkdirp('MASBackup/one', signal);
    await share.writeStream('MASBackup/one/manifest.json', Readable.from([Buffer.from('{"ok":true}')]), signal);
    expect((await share.list('MASBackup/one', signal)).map((entry) => entry.name)).toEqual(['manifest.json']);
    expect(await readFile(join(temp.path, 'MASBackup', 'one', 'manifest.json'), 'utf8')).toBe('{"ok":true}');
    expect(await share.freeSpace(signal)).toEqual({ freeBytes: 5e12, totalBytes: 8e12 });
    await share.close();
    await share.close();
    expect(net.calls).toEqual([...CONNECT, `space ${temp.path}`, DISCONNECT]);
  });

  it('disconnects after an operation failed', async () => {
    const share = openShare();
    const error = await failureOf(share.list('no-such-folder', signal));
    expect(error.category).toBe('path');
    await share.close();
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
  });

  it('disconnects after a cancelled transfer', async () => {
    const share = openShare();
    const cancelled = new Readable({ read() {} });
    const writing = share.writeStream('big.bin', cancelled, signal);
    cancelled.push(Buffer.alloc(1024));
    await new Promise<void>((resolve) => setImmediate(resolve));
    cancelled.destroy(new Error('cancelled by the operator'));
    await expect(writing).rejects.toThrow('cancelled by the operator');
    await share.close();
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
  });

  it('waits for a connect still in flight at close, then disconnects it', async () => {
    let open = () => undefined as void;
    net.addGate = new Promise<void>((resolve) => (open = resolve));
    const share = openShare();
    const statting = share.stat('anything', signal);
    const closing = share.close();
    open();
    await statting;
    await closing;
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
  });

  it('a cancel during a slow connect rejects at once; close waits for the connect and disconnects it', async () => {
    let open = () => undefined as void;
    net.addGate = new Promise<void>((resolve) => (open = resolve));
    const share = openShare();
    const cancel = new AbortController();
    const listing = share.list('MASBackup', cancel.signal);
    cancel.abort();
    expect((await failureOf(listing)).code).toBe('cancelled');
    expect(net.calls).toEqual([`add ${REMOTE} ${USER} <password>`]);
    const closing = share.close();
    open();
    await closing;
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
  });

  it('a transfer cancelled through its signal disconnects at close', async () => {
    const share = openShare();
    const cancel = new AbortController();
    const source = new Readable({ read() {} });
    const writing = share.writeStream('big.bin', source, cancel.signal);
    source.push(Buffer.alloc(1024));
    await share.stat('', signal);
    cancel.abort();
    expect((await failureOf(writing)).code).toBe('cancelled');
    expect(await share.list('', signal)).toEqual([]);
    await share.close();
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
  });

  it('connect reports the account Windows confirmed', async () => {
    net.userReported = 'contoso\\BACKUPUSER';
    const share = openShare();
    expect(await share.connect(signal)).toEqual({ dialect: null, encrypted: false, account: 'contoso\\BACKUPUSER' });
    await share.close();
  });

  it('retries a disconnect that found open files with force, and reports a disconnect that still fails', async () => {
    const share = openShare();
    await share.stat('x', signal);
    net.cancelCodes = [2401, 0];
    await share.close();
    expect(net.calls.slice(2)).toEqual([DISCONNECT, `${DISCONNECT} force`]);

    const again = openShare();
    await again.stat('x', signal);
    net.cancelCodes = [1222];
    await again.close();
    expect(disconnectFailures).toEqual([1222]);
  });

  it('holds nothing after a failed connect: no disconnect, and the next operation connects again', async () => {
    const share = openShare();
    net.addCode = 1222;
    await failureOf(share.stat('x', signal));
    net.addCode = 0;
    await share.stat('x', signal);
    await share.close();
    expect(net.calls).toEqual([`add ${REMOTE} ${USER} <password>`, ...CONNECT, DISCONNECT]);
  });

  it('refuses a connection Windows made as another account (no pass through an existing session), and undoes it', async () => {
    net.userReported = 'STATION\\operator';
    const share = openShare();
    const error = await failureOf(share.stat('x', signal));
    expect(error.category).toBe('authentication');
    expect(error.message).toContain('STATION\\operator');
    expect(error.message).toContain(USER);
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
    await share.close();
    expect(net.calls).toEqual([...CONNECT, DISCONNECT]);
  });

  it('destroys the source when it cannot connect for a write', async () => {
    net.addCode = 1326;
    const source = Readable.from([Buffer.from('data')]);
    await failureOf(openShare().writeStream('f', source, signal));
    expect(source.destroyed).toBe(true);
  });
});

describe('Windows error codes → share failure categories', () => {
  const cases: Array<[number, string]> = [
    [1326, 'authentication'],
    [1219, 'authentication'],
    [53, 'path'],
    [67, 'path'],
    [1222, 'connectivity'],
    [1231, 'connectivity'],
    [64, 'connectivity'],
    [112, 'capacity'],
    [5, 'general'],
    [1203, 'general'],
  ];
  for (const [code, category] of cases) {
    it(`maps ${code} to ${category}, names the code, and never shows the password`, async () => {
      net.addCode = code;
      const share = openShare();
      const error = await failureOf(share.stat('x', signal));
      expect(categoryOfWin32Code(code)).toBe(category);
      expect(error.code).toBe('share');
      expect(error.category).toBe(category);
      expect(error.message).toContain(`Windows error ${code}`);
      expect(error.message.startsWith(SHARE_FAILURE_TEXTS[error.category ?? 'general'].message)).toBe(true);
      const remediation = code === 1219 ? CREDENTIAL_CONFLICT_REMEDIATION : SHARE_FAILURE_TEXTS[error.category ?? 'general'].remediation;
      expect(error.remediation).toBe(remediation);
      for (const text of [error.message, error.remediation, error.technicalCause ?? '', inspect(error), inspect(share, { depth: 5 })])
        expect(text).not.toContain(PASSWORD);
      await share.close();
      expect(net.calls).not.toContain(DISCONNECT);
    });
  }

  it('1219 tells the operator to disconnect the other session or use the server by its other name', () => {
    expect(CREDENTIAL_CONFLICT_REMEDIATION).toMatch(/disconnect the other session/);
    expect(CREDENTIAL_CONFLICT_REMEDIATION).toMatch(/other name/);
  });

  it('maps a failed free-space query by its code', async () => {
    net.diskCode = 67;
    const share = openShare();
    expect((await failureOf(share.freeSpace(signal))).category).toBe('path');
    await share.close();
    expect(net.calls.at(-1)).toBe(DISCONNECT);
  });
});

describe('accounts and UNC names as Windows sees them', () => {
  it('matches the reported user name to the configured account', () => {
    expect(isSameAccount('CONTOSO\\backup', 'CONTOSO\\backup')).toBe(true);
    expect(isSameAccount('CONTOSO\\backup', 'contoso\\BACKUP')).toBe(true);
    expect(isSameAccount('backup@contoso.com', 'CONTOSO\\backup')).toBe(true);
    expect(isSameAccount('CONTOSO\\backup', 'backup')).toBe(true);
    expect(isSameAccount('CONTOSO\\backup', 'CONTOSO\\operator')).toBe(false);
    expect(isSameAccount('CONTOSO\\backup', 'FABRIKAM\\backup')).toBe(false);
    expect(isSameAccount('CONTOSO\\backup', '')).toBe(false);
  });

  it('connects to exactly \\\\server\\share and writes IPv6 hosts as ipv6-literal.net names', () => {
    const smb = (unc: string) => {
      const location = parseUncLocation(unc);
      if (location.kind !== 'smb') throw new Error('not a UNC path');
      return location;
    };
    expect(windowsUncNames(smb('\\\\fs01\\Backups\\contoso\\nyc'))).toEqual({
      remote: '\\\\fs01\\Backups',
      folder: '\\\\fs01\\Backups\\contoso\\nyc',
    });
    expect(windowsUncNames(smb('\\\\10.0.0.5\\b'))).toEqual({ remote: '\\\\10.0.0.5\\b', folder: '\\\\10.0.0.5\\b' });
    expect(windowsUncNames(smb('\\\\[fd00::5]\\b\\f')).folder).toBe('\\\\fd00--5.ipv6-literal.net\\b\\f');
  });
});
