import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalShare } from '../../../main/engine/share/local-share';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { openFileShare } from '../../../main/engine/share/open-share';
import { testShareConnection } from '../../../main/engine/share/share-connection-test';
import { startSamba, type SambaServer } from '../../support/samba';

describe('testShareConnection against a real smbd', () => {
  let server: SambaServer;
  beforeAll(async () => {
    server = await startSamba({ extraShares: [{ name: 'readonly', readOnly: true }] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const open = (overrides: { location?: string; password?: string; smbPort?: number } = {}) =>
    openFileShare({
      location: overrides.location ?? `${server.uncPath}\\Backups\\Stamp 1`,
      username: `${server.workgroup}\\${server.username}`,
      password: overrides.password ?? server.password,
      smbPort: overrides.smbPort ?? server.port,
      retry: { retries: 0, baseDelayMs: 0 },
    });

  it('passes every step: SMB3, encrypted, writable (creating the folder), with capacity', async () => {
    const { result, failure } = await testShareConnection(open(), NO_CANCEL);
    expect(failure).toBeNull();
    expect(result).toMatchObject({ reachable: true, authenticated: true, writable: true, encrypted: true });
    expect(result.dialect).toMatch(/^SMB3_/);
    expect(result.freeBytes).toBeGreaterThan(0);
    expect(result.totalBytes).toBeGreaterThanOrEqual(result.freeBytes ?? 0);
    expect(result.steps.map((step) => [step.step, step.ok])).toEqual([
      ['reachability', true],
      ['authentication', true],
      ['protocol', true],
      ['write permission', true],
      ['capacity', true],
    ]);
    // The folder was created and the probe removed.
    expect(await readdir(path.join(server.shareDir, 'Backups', 'Stamp 1'))).toEqual([]);
  });

  it('reports a wrong password as an authentication failure at the authentication step', async () => {
    const { result, failure } = await testShareConnection(open({ password: 'wrong-password' }), NO_CANCEL);
    expect(failure?.category).toBe('authentication');
    expect(result).toMatchObject({ reachable: true, authenticated: false, writable: false });
    expect(result.steps.at(-1)).toMatchObject({ step: 'authentication', ok: false });
    expect(JSON.stringify(result)).not.toContain(server.password);
  });

  it('reports a closed port as unreachable (connectivity)', async () => {
    const { result, failure } = await testShareConnection(open({ smbPort: 1 }), NO_CANCEL);
    expect(failure?.category).toBe('connectivity');
    expect(result.reachable).toBe(false);
  });

  it('reports an unknown share as a path failure', async () => {
    const { failure } = await testShareConnection(open({ location: `\\\\${server.host}\\no-such-share` }), NO_CANCEL);
    expect(failure?.category).toBe('path');
  });

  it('reports a read-only share as reachable and signed in, but cannot write (not authentication)', async () => {
    const { result, failure } = await testShareConnection(open({ location: `\\\\${server.host}\\readonly` }), NO_CANCEL);
    expect(result).toMatchObject({ reachable: true, authenticated: true, writable: false });
    expect(failure?.category).toBe('cannot-write');
    expect(failure?.remediation).toMatch(/Grant the backup account Change \(write\) permission/);
    expect(result.steps.at(-1)).toMatchObject({ step: 'write permission', ok: false });
  });
});

describe('testShareConnection on a local folder', () => {
  it('passes, with no dialect and no SMB encryption', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'ibc-conn-'));
    try {
      const { result, failure } = await testShareConnection(new LocalShare(path.join(root, 'backups')), NO_CANCEL);
      expect(failure).toBeNull();
      expect(result).toMatchObject({ reachable: true, authenticated: true, writable: true, dialect: null, encrypted: false });
      expect(await readdir(path.join(root, 'backups'))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('testShareConnection against a server that does not encrypt', () => {
  it('still connects with "encryption when offered", and reports the transfer as not encrypted', async () => {
    const plain = await startSamba({ encrypt: 'off' });
    try {
      const started = Date.now();
      const { result, failure } = await testShareConnection(
        openFileShare({ location: plain.uncPath, username: plain.username, password: plain.password, smbPort: plain.port }),
        NO_CANCEL,
      );
      expect(failure).toBeNull();
      expect(result).toMatchObject({ authenticated: true, writable: true, encrypted: false });
      expect(result.dialect).toMatch(/^SMB3_/);
      console.log(`connection test took ${Date.now() - started} ms`);
    } finally {
      const stopping = Date.now();
      await plain.stop();
      console.log(`stop took ${Date.now() - stopping} ms`);
    }
  });
});
