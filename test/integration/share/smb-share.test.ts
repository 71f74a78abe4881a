import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmbShare, type SmbShareOptions } from '../../../main/engine/share/smb-share';
import { RetryingShare } from '../../../main/engine/share/wrappers/retrying-share';
import { startSamba, type SambaServer } from '../../support/samba';
import { mountTmpfs, type MountedTmpfs } from '../../support/tmpfs';
import {
  bytesSource,
  describeShareConformance,
  expectCancelled,
  expectNotFound,
  expectShareError,
  generatedData,
  readAll,
  sha256Of,
} from './conformance';
import { NO_CANCEL } from '../../../main/engine/share/abort';

let server: SambaServer;
let configDir: string;
let smallDisk: MountedTmpfs | undefined;
let smallDiskSkipReason = '';

beforeAll(async () => {
  configDir = await mkdtemp(path.join(os.tmpdir(), 'ibc-smb-config-'));
  // The disk-full share is an 8 MiB tmpfs served by the same smbd.
  const mounted = await mountTmpfs(8);
  if ('skipReason' in mounted) smallDiskSkipReason = mounted.skipReason;
  else smallDisk = mounted;
  server = await startSamba({
    // Surrounding spaces: smbclient trims them in auth files, so this password takes the PASSWD path.
    password: ` P;w%'& ${Date.now()} `,
    extraShares: [{ name: 'readonly', readOnly: true }, ...(smallDisk ? [{ name: 'small', path: smallDisk.path }] : [])],
  });
});
afterAll(async () => {
  await server?.stop();
  if (configDir) await rm(configDir, { recursive: true, force: true });
  await smallDisk?.unmount();
});

function options(overrides: Partial<SmbShareOptions> = {}): SmbShareOptions {
  return {
    address: server.address,
    port: server.port,
    share: server.shareName,
    username: server.username,
    password: server.password,
    configDir,
    ...overrides,
  };
}

const fastRetry = { retries: 2, baseDelayMs: 10 };

/** A spawn that records every smbclient argv, then really runs it. */
/** A spawn that records every smbclient argv, environment and auth file (read at spawn time), then really runs it. */
function recordingSpawn(): { spawn: SmbShareOptions['spawn']; calls: string[][]; envs: NodeJS.ProcessEnv[]; authFiles: string[] } {
  const calls: string[][] = [];
  const envs: NodeJS.ProcessEnv[] = [];
  const authFiles: string[] = [];
  return {
    calls,
    envs,
    authFiles,
    spawn: (command: string, args: readonly string[], spawnOptions: SpawnOptions): ChildProcess => {
      calls.push([command, ...args]);
      envs.push(spawnOptions.env ?? {});
      authFiles.push(readFileSync(args[args.indexOf('-A') + 1] ?? '', 'utf8'));
      return spawn(command, [...args], spawnOptions);
    },
  };
}

describeShareConformance('SMB via smbclient', async () => {
  const share = new SmbShare(options({ folder: 'Backups/conformance', username: `${server.workgroup}\\${server.username}` }));
  await share.mkdirp('', NO_CANCEL);
  return {
    share,
    missingFolder: new SmbShare(options({ folder: 'Backups/no-such-folder' })),
    missingShare: new SmbShare(options({ share: 'no-such-share' })),
    plantLink: (linkPath, target) => symlink(target, path.join(server.shareDir, 'Backups', 'conformance', ...linkPath.split('/'))),
    cleanup: async () => undefined,
  };
});

describe('SmbShare failures land in the right category', () => {
  it('wrong password → authentication, tried once (no retry)', async () => {
    const recorder = recordingSpawn();
    const share = new RetryingShare(new SmbShare(options({ password: 'definitely-wrong', spawn: recorder.spawn })), fastRetry);
    const error = await expectShareError(share.list('', NO_CANCEL), 'authentication');
    expect(error.message).toMatch(/did not accept the user name and password/);
    expect(recorder.calls).toHaveLength(1);
  });

  it('closed port → connectivity, retried with backoff', async () => {
    const recorder = recordingSpawn();
    const share = new RetryingShare(new SmbShare(options({ port: 1, spawn: recorder.spawn })), fastRetry);
    await expectShareError(share.stat('x', NO_CANCEL), 'connectivity');
    expect(recorder.calls).toHaveLength(3);
  });

  it('unresolvable host → connectivity', async () => {
    await expectShareError(
      new SmbShare(options({ address: { kind: 'fqdn', host: 'no-such-host.invalid' } })).list('', NO_CANCEL),
      'connectivity',
    );
  });

  it('read-only share → cannot-write (reachable, signed in, writes refused), and nothing is left behind', async () => {
    const share = new SmbShare(options({ share: 'readonly' }));
    const error = await expectShareError(share.writeStream('refused.bin', bytesSource('data'), NO_CANCEL), 'cannot-write');
    expect(error.technicalCause).toMatch(/NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)/);
    expect(await readdir(server.shareDirOf('readonly'))).toEqual([]);
    await expectShareError(share.mkdirp('folder', NO_CANCEL), 'cannot-write');
    // Reading it is allowed: the listing works.
    expect(await share.list('', NO_CANCEL)).toEqual([]);
  });

  it('disk full mid-file → capacity (not the disconnect that follows), and the partial file is removed, every time', async (context) => {
    if (!smallDisk) {
      console.warn(`skipped: ${smallDiskSkipReason}`);
      context.skip();
      return;
    }
    const share = new SmbShare(options({ share: 'small' }));
    // Eight times the disk: the server drops the connection after DISK_FULL, and smbclient reports
    // the drop on stdout (measured: 3 of 3 such runs were reported as connectivity before).
    for (let round = 0; round < 3; round++) {
      const error = await expectShareError(
        share.writeStream(`too-big-${round}.bin`, generatedData(64 << 20).stream, NO_CANCEL),
        'capacity',
      );
      expect(error.message).toMatch(/out of capacity/);
      expect(error.remediation).toMatch(/delete existing backups, oldest first/);
      expect(await readdir(smallDisk.path)).toEqual([]);
    }
  });

  it('a smbclient that never answers is ended at the operation deadline → connectivity', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'ibc-fake-smbclient-'));
    try {
      // Stands in for smbclient hanging on a dead connection: only the deadline can end this test.
      const hanging = path.join(work, 'smbclient');
      await writeFile(hanging, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
      const error = await expectShareError(
        new SmbShare(options({ smbclientPath: hanging, deadlines: { operationMs: 1_000 } })).list('', NO_CANCEL),
        'connectivity',
      );
      expect(error.message).toMatch(/did not answer in time/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('a missing smbclient program is a general failure that says to install it', async () => {
    const error = await expectShareError(new SmbShare(options({ smbclientPath: '/nonexistent/smbclient' })).list('', NO_CANCEL), 'general');
    expect(error.remediation).toMatch(/Install the smbclient package/);
  });

  it('logs on as DOMAIN\\user and as user@domain', async () => {
    await new SmbShare(options({ username: `${server.workgroup}\\${server.username}` })).list('', NO_CANCEL);
    await new SmbShare(options({ username: `${server.username}@${server.workgroup}` })).list('', NO_CANCEL);
  });
});

describe('one smbclient session for the small operations of a share', () => {
  it('runs every small operation in one smbclient, survives failing commands, and starts again after close', async () => {
    const recorder = recordingSpawn();
    const share = new SmbShare(options({ folder: 'one-session', spawn: recorder.spawn }));
    await share.mkdirp('MASBackup/a', NO_CANCEL);
    for (let round = 0; round < 5; round++) {
      expect(await share.stat('MASBackup/a', NO_CANCEL)).toMatchObject({ kind: 'directory' });
      expect(await share.stat('MASBackup/missing', NO_CANCEL)).toBeNull();
      await expectNotFound(share.list('MASBackup/missing', NO_CANCEL));
      await share.rename('MASBackup/a', 'MASBackup/b', NO_CANCEL);
      await share.rename('MASBackup/b', 'MASBackup/a', NO_CANCEL);
      await share.freeSpace(NO_CANCEL);
    }
    // Small files (a lock, a manifest) too: written, read back, and missing.
    await share.writeStream('MASBackup/a/manifest.json', bytesSource('{"id":1}'), NO_CANCEL);
    expect((await readAll(await share.readStream('MASBackup/a/manifest.json', NO_CANCEL))).toString()).toBe('{"id":1}');
    await share.writeStream('MASBackup/a/empty', bytesSource(''), NO_CANCEL);
    expect(await readAll(await share.readStream('MASBackup/a/empty', NO_CANCEL))).toEqual(Buffer.alloc(0));
    await expectNotFound(share.readStream('MASBackup/a/missing.json', NO_CANCEL));
    await expectShareError(share.writeStream('MASBackup/a/manifest.json', bytesSource('again'), NO_CANCEL), 'general');
    await share.deleteTree('MASBackup/a', NO_CANCEL);
    expect((await share.list('MASBackup', NO_CANCEL)).map((entry) => entry.name)).toEqual([]);
    expect(recorder.calls).toHaveLength(1);
    await share.close();
    await share.stat('MASBackup', NO_CANCEL);
    expect(recorder.calls).toHaveLength(2);
    await share.close();
  });

  it('never lets a name inject a command into the session: line breaks and quotes are refused before anything is sent', async () => {
    const recorder = recordingSpawn();
    const share = new SmbShare(options({ folder: 'one-session-injection', spawn: recorder.spawn }));
    await share.mkdirp('MASBackup/a', NO_CANCEL);
    for (const name of ['x\nmkdir injected', 'x\rmkdir injected', 'x"\nmkdir injected', 'x\u0000y']) {
      await expect(share.rename('MASBackup/a', `MASBackup/${name}`, NO_CANCEL)).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(share.list(`MASBackup/${name}`, NO_CANCEL)).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(share.deleteTree(`MASBackup/${name}`, NO_CANCEL)).rejects.toMatchObject({ code: 'invalid-input' });
    }
    expect((await share.list('MASBackup', NO_CANCEL)).map((entry) => entry.name)).toEqual(['a']);
    expect(await share.stat('injected', NO_CANCEL)).toBeNull();
    expect(recorder.calls).toHaveLength(1);
    await share.close();
  });

  it('a cancelled operation ends the session; the next operation gets a new one', async () => {
    const recorder = recordingSpawn();
    const share = new SmbShare(options({ folder: 'one-session-cancel', spawn: recorder.spawn }));
    await share.mkdirp('', NO_CANCEL);
    const controller = new AbortController();
    const listing = share.list('', controller.signal);
    controller.abort();
    await expectCancelled(listing);
    expect(await share.list('', NO_CANCEL)).toEqual([]);
    await share.close();
  });
});

describe('SmbShare streaming and secrecy', () => {
  it('streams 256 MiB up and down with an equal SHA-256', async () => {
    const share = new SmbShare(options({ folder: 'big' }));
    await share.mkdirp('', NO_CANCEL);
    const data = generatedData(256 << 20);
    const written = await share.writeStream('256MiB.bin', data.stream, NO_CANCEL);
    expect(written.bytes).toBe(256 << 20);
    const read = await sha256Of(await share.readStream('256MiB.bin', NO_CANCEL));
    expect(read).toEqual({ bytes: 256 << 20, sha256: data.sha256() });
    await share.deleteTree('256MiB.bin', NO_CANCEL);
  });

  it('hands a download on in pieces of about 1 MiB, byte for byte, and a small file in a piece of its own', async () => {
    const share = new SmbShare(options({ folder: 'pieces' }));
    await share.mkdirp('', NO_CANCEL);
    // Random throughout (no repeated block), so a piece overwritten or out of order changes the hash.
    const data = randomBytes(16 << 20);
    await share.writeStream('16MiB.bin', bytesSource(data), NO_CANCEL);
    const chunks: Buffer[] = [];
    for await (const chunk of await share.readStream('16MiB.bin', NO_CANCEL)) chunks.push(chunk as Buffer);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    // Node's own pipe reads are at most 64 KiB: 256 pieces or more for 16 MiB.
    expect(chunks.length).toBeLessThanOrEqual(32);

    await share.writeStream('small.json', bytesSource('{"small":true}'), NO_CANCEL);
    const small: Buffer[] = [];
    for await (const chunk of await share.readStream('small.json', NO_CANCEL)) small.push(chunk as Buffer);
    expect(Buffer.concat(small).toString()).toBe('{"small":true}');
    // Not a view into a large read buffer that a caller keeping it would keep alive.
    for (const chunk of small) expect(chunk.buffer.byteLength).toBeLessThan(64 << 10);
    await share.close();
  });

  it('never puts the password on any smbclient command line, in errors, or leaves the auth file behind', async () => {
    const recorder = recordingSpawn();
    const share = new SmbShare(options({ folder: 'secrecy', spawn: recorder.spawn }));
    await share.mkdirp('a;b', NO_CANCEL);
    await share.writeStream('a;b/file', bytesSource('x'), NO_CANCEL);
    await sha256Of(await share.readStream('a;b/file', NO_CANCEL));
    // Larger than a small file: a transfer of its own each way.
    await share.writeStream('a;b/large', generatedData(2 << 20).stream, NO_CANCEL);
    await sha256Of(await share.readStream('a;b/large', NO_CANCEL));
    await share.freeSpace(NO_CANCEL);
    const wrong = new SmbShare(options({ password: `${server.password}-but-wrong`, spawn: recorder.spawn }));
    const error = await expectShareError(wrong.list('', NO_CANCEL), 'authentication');

    // One session for the small operations of each share, one smbclient per transfer.
    expect(recorder.calls.length).toBeGreaterThanOrEqual(4);
    for (const argv of recorder.calls) {
      const line = argv.join(' ');
      expect(line).not.toContain(server.password);
      expect(line).not.toMatch(/--password|-U\s|%/);
      const authFile = argv[argv.indexOf('-A') + 1] ?? '';
      // In the console's own 0700 folder, never the shared temp folder.
      expect(authFile.startsWith(path.join(configDir, 'run', 'ibc-smb-'))).toBe(true);
      expect(existsSync(authFile)).toBe(false);
    }
    for (const env of recorder.envs) expect(Object.values(env).join('\n')).not.toContain(server.password);
    for (const text of [error.message, error.remediation, error.technicalCause ?? '', JSON.stringify(error.toApiError())]) {
      expect(text).not.toContain(server.password);
    }
  });

  it('a password with leading and trailing spaces and a % logs on through a pipe: not in the auth file, argv or environment', async () => {
    expect(server.password).toMatch(/^ .*%.* $/);
    const recorder = recordingSpawn();
    await new SmbShare(options({ spawn: recorder.spawn })).list('', NO_CANCEL);
    expect(recorder.envs[0]?.PASSWD_FD).toBe('4');
    expect(recorder.envs[0]?.PASSWD).toBeUndefined();
    expect(recorder.authFiles[0]).not.toMatch(/password/);
    expect(recorder.calls[0]?.join(' ')).not.toContain(server.password.trim());
  });

  it('every other password goes in the auth file: trailing spaces and % kept, nothing in the environment', async () => {
    const other = await startSamba({ password: `P;w%'& ${Date.now()}  ` });
    try {
      const recorder = recordingSpawn();
      const share = new SmbShare({ ...options({ spawn: recorder.spawn }), port: other.port, password: other.password });
      await share.list('', NO_CANCEL);
      expect(recorder.authFiles[0]).toContain(`password = ${other.password}\n`);
      expect(recorder.envs[0]?.PASSWD_FD).toBeUndefined();
      expect(Object.values(recorder.envs[0] ?? {}).join('\n')).not.toContain(other.password);
    } finally {
      await other.stop();
    }
  });

  it('refuses, before any I/O, a password with leading spaces longer than smbclient reads from a pipe', () => {
    expect(() => new SmbShare(options({ password: ` ${'x'.repeat(127)}` }))).toThrow(/at most 127 bytes/);
  });

  it('deletes the auth file once smbclient has read it, long before a slow upload ends', async () => {
    const recorder = recordingSpawn();
    const share = new SmbShare(options({ folder: 'early-auth', spawn: recorder.spawn }));
    await share.mkdirp('', NO_CANCEL);
    let finishSource = (): void => undefined;
    const held = new Promise<void>((resolve) => (finishSource = resolve));
    // Its first part larger than a small file (which would travel in the session): a transfer of its own.
    const firstPart = Buffer.alloc(2 << 20, 'first part ');
    const slowSource = Readable.from(
      (async function* () {
        yield firstPart;
        await held;
        yield Buffer.from('second part');
      })(),
    );
    const before = recorder.calls.length;
    const writing = share.writeStream('slow.txt', slowSource, NO_CANCEL);
    await until(() => recorder.calls.length > before);
    const argv = recorder.calls[before]!;
    expect(argv).toContain('-A');
    const authFile = argv[argv.indexOf('-A') + 1] ?? '';
    // Gone while the upload still waits for the rest of its data: a process killed now leaves no password on disk.
    await until(() => !existsSync(authFile));
    finishSource();
    await expect(writing).resolves.toEqual({ bytes: firstPart.length + 11 });
    expect(await sha256Of(await share.readStream('slow.txt', NO_CANCEL))).toEqual({
      sha256: createHash('sha256').update(firstPart).update('second part').digest('hex'),
      bytes: firstPart.length + 11,
    });
  });

  it('a download its reader abandons or never reads ends smbclient and removes the auth file', async () => {
    const recorder = recordingSpawn();
    const share = new SmbShare(options({ folder: 'abandon', spawn: recorder.spawn }));
    await share.mkdirp('', NO_CANCEL);
    await share.writeStream('big.bin', generatedData(8 << 20).stream, NO_CANCEL);
    await share.writeStream('small', bytesSource('x'), NO_CANCEL);
    const lastAuthFile = (): string => {
      const argv = recorder.calls.at(-1) ?? [];
      return argv[argv.indexOf('-A') + 1] ?? '';
    };

    const partial = await share.readStream('big.bin', NO_CANCEL);
    const partialAuth = lastAuthFile();
    await new Promise((resolve) => partial.once('data', resolve));
    partial.destroy();
    await until(() => !existsSync(partialAuth));

    // Small enough to sit in the pipe: smbclient exits although nobody reads.
    const unread = await share.readStream('small', NO_CANCEL);
    await until(() => !existsSync(lastAuthFile()));
    unread.destroy();

    // Still works afterwards.
    expect((await sha256Of(await share.readStream('small', NO_CANCEL))).bytes).toBe(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
