/**
 * IPv6 hosts end to end (issue 10.4): the location as the operator types it,
 * parsed by the one parser, through the SMB driver to a Samba server
 * listening on ::1 — the connection test, a write and a list.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { openFileShare } from '../../../main/engine/share/open-share';
import { testShareConnection } from '../../../main/engine/share/share-connection-test';
import { startSamba, type SambaServer } from '../../support/samba';

describe('a share on an IPv6 address', () => {
  let server: SambaServer;
  beforeAll(async () => {
    server = await startSamba();
  });
  afterAll(async () => server?.stop());

  const open = (location: string) =>
    openFileShare({ location, username: `${server.workgroup}\\${server.username}`, password: server.password, smbPort: server.port });

  it.each([
    ['in brackets', () => `${server.ipv6UncPath}\\v6 brackets`],
    ['in the ipv6-literal.net form', () => `\\\\0--1.ipv6-literal.net\\${server.shareName}\\v6 literal`],
  ])('passes the connection test, writes and lists, with the address %s', async (_form, location) => {
    const share = open(location());
    expect(share.describe()).toMatch(/^\\\\\[::1\]\\/);
    const { result, failure } = await testShareConnection(share, NO_CANCEL);
    expect(failure).toBeNull();
    expect(result).toMatchObject({ reachable: true, authenticated: true, writable: true });
    expect(result.steps[0]?.detail).toBe(`[::1] answers on port ${server.port}.`);

    await share.mkdirp('MASBackup', NO_CANCEL);
    await share.writeStream('MASBackup/hello.txt', Readable.from([Buffer.from('over IPv6\n')]), NO_CANCEL);
    expect((await share.list('MASBackup', NO_CANCEL)).map((entry) => entry.name)).toEqual(['hello.txt']);
    const folder = location().split('\\').at(-1) ?? '';
    expect(await readFile(path.join(server.shareDir, folder, 'MASBackup', 'hello.txt'), 'utf8')).toBe('over IPv6\n');
  });
});
