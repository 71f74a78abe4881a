/**
 * Nothing hangs, nothing is held forever (issue 17): a share operation ends
 * with the right category when the server dies or stops answering, a slow
 * producer is not mistaken for a stalled server, and no smbclient outlives
 * the console that started it. Against a real smbd; liveness is bounded by
 * the test timeout, never asserted by timing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/engine/app/logger';
import { EngineError } from '../../../main/engine/errors';
import { createEngine } from '../../../main/engine/service';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { openFileShare } from '../../../main/engine/share/open-share';
import { SmbShare, type SmbShareOptions } from '../../../main/engine/share/smb-share';
import { eventually, smbclientsOf, startShareConsole } from '../../support/console-process';
import { makeSourceTree, testCertificate } from '../../support/backup-fixtures';
import { cli, configSetOnSamba } from '../../support/cli';
import { startSamba, type SambaServer, shareSettingsFor } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT } from '../../support/web-console';
import { expectShareError } from './conformance';

describe('share operations end when the server goes away', () => {
  // A fresh server per test: each one kills or stops it.
  let server: SambaServer;
  beforeEach(async () => {
    server = await startSamba();
  });
  afterEach(async () => server?.stop());

  const options = (overrides: Partial<SmbShareOptions> = {}): SmbShareOptions => ({
    address: server.address,
    port: server.port,
    share: server.shareName,
    username: server.username,
    password: server.password,
    ...overrides,
  });

  /** A source that keeps producing until the test's event happens; then `onBytes` is told. */
  function endlessSource(onBytes: (total: number) => void, delayMs = 0): Readable {
    let total = 0;
    return new Readable({
      read() {
        const push = (): void => {
          total += 1 << 20;
          onBytes(total);
          this.push(Buffer.alloc(1 << 20, 3));
        };
        if (delayMs) setTimeout(push, delayMs);
        else push();
      },
    });
  }

  it('smbd killed mid-upload: the write rejects with connectivity', async () => {
    const share = new SmbShare(options());
    let killed = false;
    const source = endlessSource((total) => {
      if (total >= 32 << 20 && !killed) {
        killed = true;
        void server.signal('SIGKILL', { daemon: true });
      }
    });
    await expectShareError(share.writeStream('killed.bin', source, NO_CANCEL), 'connectivity');
    expect(source.destroyed).toBe(true);
  });

  it('smbd stops answering mid-upload: the write rejects with connectivity once the transfer has stalled', async () => {
    const share = new SmbShare(options({ deadlines: { stallMs: 2_000, operationMs: 5_000 } }));
    let stopped = false;
    const source = endlessSource((total) => {
      if (total >= 32 << 20 && !stopped) {
        stopped = true;
        void server.signal('SIGSTOP', { daemon: true });
      }
    });
    const error = await expectShareError(share.writeStream('stalled.bin', source, NO_CANCEL), 'connectivity');
    expect(error.message).toMatch(/did not answer in time/);
  });

  it('a small operation against a server that stopped answering ends at its deadline with connectivity', async () => {
    await server.signal('SIGSTOP', { daemon: true });
    const share = new SmbShare(options({ deadlines: { operationMs: 2_000 } }));
    const error = await expectShareError(share.list('', NO_CANCEL), 'connectivity');
    expect(error.message).toMatch(/did not answer in time/);
  });

  it('a slow producer is not a stalled server: pauses longer than the stall bound do not fail the write', async () => {
    // The bound is long enough for smbclient to take each piece on a loaded machine (other test
    // files run beside this one); our pauses are longer still, so a watchdog that counted our time fails.
    const stallMs = 1_000;
    const share = new SmbShare(options({ deadlines: { stallMs } }));
    // The first piece is larger than what goes through the session in one put, so the file streams
    // through its own smbclient, the one the stall watchdog guards.
    const pieces = [Buffer.alloc(2 << 20, 1), Buffer.alloc(1 << 16, 2), Buffer.alloc(1 << 16, 3)];
    let produced = 0;
    const slow = Readable.from(
      (async function* () {
        for (const [index, piece] of pieces.entries()) {
          // Our side is the slow one here: before each later piece, a pause one and a half stall bounds long.
          if (index > 0) await new Promise((resolve) => setTimeout(resolve, stallMs * 1.5));
          produced += piece.length;
          yield piece;
        }
      })(),
    );
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    await expect(share.writeStream('slow-producer.bin', slow, NO_CANCEL)).resolves.toEqual({ bytes: total });
    expect(produced).toBe(total);
  });
});

describe('a live smbclient session when the server goes away', () => {
  // A fresh server per test: each one kills or stops it.
  let server: SambaServer;
  beforeEach(async () => {
    server = await startSamba();
  });
  afterEach(async () => server?.stop());

  /** A share whose smbclients are counted, its session already open (one operation done). */
  async function shareWithLiveSession(deadlines?: SmbShareOptions['deadlines']): Promise<{ share: SmbShare; spawned: () => number }> {
    let count = 0;
    const share = new SmbShare({
      address: server.address,
      port: server.port,
      share: server.shareName,
      username: server.username,
      password: server.password,
      ...(deadlines ? { deadlines } : {}),
      spawn: (command, args, spawnOptions) => {
        if (args.some((arg) => arg.endsWith('smbclient'))) count++;
        return spawn(command, [...args], spawnOptions);
      },
    });
    await share.mkdirp('live', NO_CANCEL);
    expect(await share.list('live', NO_CANCEL)).toEqual([]);
    expect(count).toBe(1);
    return { share, spawned: () => count };
  }

  it('smbd killed: the next small operation rejects with connectivity instead of hanging', async () => {
    const { share } = await shareWithLiveSession();
    await server.signal('SIGKILL', { daemon: true });
    await expectShareError(share.list('live', NO_CANCEL), 'connectivity');
    await expectShareError(share.mkdirp('live/after', NO_CANCEL), 'connectivity');
    await share.close();
  });

  it("the session's connection dropped (smbd serving it killed, the server still up): connectivity once, then a new session works", async () => {
    const { share, spawned } = await shareWithLiveSession();
    await server.signal('SIGKILL');
    await expectShareError(share.list('live', NO_CANCEL), 'connectivity');
    // A retry (RetryingShare's, or the next job step) must not meet the dead connection again.
    expect(await share.list('live', NO_CANCEL)).toEqual([]);
    expect(spawned()).toBe(2);
    await share.close();
  });

  it('smbd stops answering: the small operation ends at its deadline with connectivity, and its smbclient with it', async () => {
    const { share, spawned } = await shareWithLiveSession({ operationMs: 2_000 });
    await server.signal('SIGSTOP', { daemon: true });
    const error = await expectShareError(share.list('live', NO_CANCEL), 'connectivity');
    expect(error.message).toMatch(/did not answer in time/);
    await server.signal('SIGCONT', { daemon: true });
    expect(await share.list('live', NO_CANCEL)).toEqual([]);
    expect(spawned()).toBe(2);
    await share.close();
  });
});

describe('no smbclient outlives the console (SIGKILL)', () => {
  let server: SambaServer;
  let work: string;
  const started: number[] = [];
  beforeAll(async () => {
    server = await startSamba();
    work = await mkdtemp(path.join(os.tmpdir(), 'ibc-console-kill-'));
  });
  afterAll(async () => {
    // Only if a test failed: end what it left running.
    for (const pid of started) for (const child of await smbclientsOf(pid)) process.kill(child, 'SIGKILL');
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const shareOptions = (): SmbShareOptions => ({
    address: server.address,
    port: server.port,
    share: server.shareName,
    username: server.username,
    password: server.password,
    configDir: path.join(work, 'config'),
  });

  async function killConsoleAndCheck(consolePid: number): Promise<void> {
    const children = await smbclientsOf(consolePid);
    expect(children.length).toBeGreaterThan(0);
    process.kill(consolePid, 'SIGKILL');
    await eventually(async () => (await smbclientsOf(consolePid)).length === 0, 'every smbclient of the killed console ended');
    await eventually(async () => (await server.openFiles()).length === 0, 'the server released the handles');
  }

  it('mid-upload', async () => {
    const console_ = startShareConsole({ mode: 'upload', share: shareOptions() });
    started.push(console_.pid!);
    const uploading = async (): Promise<boolean> => {
      for (const name of await readdir(server.shareDir)) {
        if (name.includes('slow.bin') && (await stat(path.join(server.shareDir, name))).size > 0) return true;
      }
      return false;
    };
    await eventually(uploading, 'the upload under way');
    await killConsoleAndCheck(console_.pid!);
  });

  // An idle session's smbclient also ends at EOF on its commands; one blocked in a command is ended by
  // the parent-death signal, which it gets through the same spawn as a transfer's (proven mid-upload above).
  it("with the small operations' session open and idle", async () => {
    const console_ = startShareConsole({ mode: 'session', share: shareOptions() });
    started.push(console_.pid!);
    await new Promise<void>((resolve) => console_.stdout?.once('data', () => resolve()));
    await killConsoleAndCheck(console_.pid!);
  });

  it('between smbclient opening the remote file and opening the upload FIFO', async () => {
    const fifo = path.join(work, 'never-written');
    execFileSync('mkfifo', [fifo]);
    const console_ = startShareConsole({ mode: 'fifo-window', share: shareOptions(), fifo, remote: 'window.bin' });
    started.push(console_.pid!);
    await eventually(
      async () => (await server.openFiles()).some((line) => line.includes('window.bin')),
      'smbclient holding window.bin open',
    );
    await killConsoleAndCheck(console_.pid!);
  });
});

describe('the CLI when smbd dies during a backup', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    config = path.join(temp.path, 'config');
    const source = path.join(temp.path, 'source');
    await makeSourceTree(source, 300 * 1024 * 1024);
    const cer = path.join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configSetOnSamba(server, config, cer);
    expect((await cli(['--config-dir', config, 'sources', 'add', 'files', '--folder', source])).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  it('backup start --wait ends with the connectivity category instead of hanging', async () => {
    const run = spawn(process.execPath, [BUILT_CLI, '--json', '--config-dir', config, 'backup', 'start', '--wait'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    const uploading = async (): Promise<boolean> => {
      const names = await readdir(path.join(server.shareDir, 'MASBackup')).catch(() => [] as string[]);
      for (const name of names.filter((entry) => entry.endsWith('.partial'))) {
        if ((await readdir(path.join(server.shareDir, 'MASBackup', name))).length > 0) return true;
      }
      return false;
    };
    await eventually(uploading, 'the upload under way');
    await server.signal('SIGKILL', { daemon: true });
    expect(await exited, output).toBe(3);
    expect(output).toMatch(/"category":\s*"connectivity"/);
  });
});

describe('a console that stops while the server does not answer', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
  });
  afterAll(async () => {
    await server?.signal('SIGCONT', { daemon: true });
    await server?.stop();
    await temp?.remove();
  });

  it('stops at once: the share work in flight is ended, not waited for up to its deadline', async () => {
    // Deadlines far beyond the test timeout: only ending the work makes the stop return.
    const engine = createEngine({
      configDir: path.join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
      openShare: (input) =>
        openFileShare({ ...input, smb: { ...input.smb, timeoutSeconds: 3600, deadlines: { operationMs: 3_600_000, stallMs: 3_600_000 } } }),
    });
    await engine.saveSettings({
      ...shareSettingsFor(server, 'stopping'),
      certificateBase64: testCertificate().cerDer.toString('base64'),
      automaticBackups: false,
    });
    await engine.startAutomation();
    await engine.whenIdle();
    await server.signal('SIGSTOP', { daemon: true });
    // An operator's listing waits on the frozen server.
    const listing = engine.listBackups().then(
      () => 'listed',
      (error: unknown) => (error instanceof EngineError ? error.code : String(error)),
    );
    await engine.shutdown();
    expect(await listing).not.toBe('listed');
  });
});
