/**
 * A real, throw-away Samba server for integration tests.
 *
 * Each call starts a standalone `smbd` on a free loopback port with its own
 * configuration, state directories, share folder and user under one temp
 * directory, and `stop()` ends exactly that smbd (by the pid in its pid file)
 * and removes the directory. Requires root (smbpasswd -a, chown, useradd);
 * smbd, smbpasswd and smbclient must be installed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { HostAddress } from '../../common/host-address';

/** smbd pids this process started and has not stopped: ended if the test process exits early. */
const runningDaemons = new Set<number>();
process.once('exit', () => {
  for (const pid of runningDaemons) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});

/** The dedicated unix account smbd maps the share user to. Created once. */
export const SAMBA_TEST_UNIX_USER = 'ibc-smbtest';

export interface SambaShareSpec {
  name: string;
  /** The local folder behind the share; a fresh folder in the temp dir when absent. */
  path?: string;
  readOnly?: boolean;
}

export interface StartSambaOptions {
  /** Name of the main (writable) share. Default "backup". */
  shareName?: string;
  /** The main share's folder, e.g. a small tmpfs for disk-full tests. */
  sharePath?: string;
  extraShares?: SambaShareSpec[];
  /** `smb encrypt` of the server. Default "desired". */
  encrypt?: 'desired' | 'required' | 'off';
  /** Default: a random password containing characters shells and smbclient treat specially. */
  password?: string;
  workgroup?: string;
}

export interface SambaServer {
  /** 127.0.0.1 (smbd listens on ::1 too, see `ipv6UncPath`). */
  host: string;
  /** `host` as the drivers take it. */
  address: HostAddress;
  port: number;
  shareName: string;
  username: string;
  password: string;
  workgroup: string;
  /** The local folder behind the main share. */
  shareDir: string;
  /** `\\127.0.0.1\<share>` (the port is separate, as in the product's settings). */
  uncPath: string;
  /** `\\[::1]\<share>`: the same share over IPv6 loopback. */
  ipv6UncPath: string;
  /** The local folder behind any share by name. */
  shareDirOf(name: string): string;
  configPath: string;
  rootDir: string;
  /**
   * Sends `signal` to smbd: to every smbd serving a connection, and with
   * `daemon` to the listening daemon too (SIGKILL both: the server died;
   * SIGSTOP both: it stopped answering, connections stay open).
   */
  signal(signal: NodeJS.Signals, options?: { daemon?: boolean }): Promise<void>;
  /** `smbstatus -L`: the files smbd holds open for clients (empty when none). */
  openFiles(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startSamba(options: StartSambaOptions = {}): Promise<SambaServer> {
  await ensureUnixUser(SAMBA_TEST_UNIX_USER);
  const uid = await numericId('-u', SAMBA_TEST_UNIX_USER);
  const gid = await numericId('-g', SAMBA_TEST_UNIX_USER);

  const rootDir = await mkdtemp(path.join(os.tmpdir(), 'ibc-samba-'));
  // smbd runs file access as the share user: every parent must be traversable.
  await chmod(rootDir, 0o755);
  const dirs = ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'log'];
  for (const dir of dirs) await mkdir(path.join(rootDir, dir), { recursive: true });

  const shareName = options.shareName ?? 'backup';
  const shares: Array<Required<Omit<SambaShareSpec, 'path'>> & { path: string }> = [];
  for (const spec of [{ name: shareName, path: options.sharePath, readOnly: false }, ...(options.extraShares ?? [])]) {
    const dir = spec.path ?? path.join(rootDir, 'shares', spec.name);
    await mkdir(dir, { recursive: true });
    await chown(dir, uid, gid);
    await chmod(dir, 0o755);
    shares.push({ name: spec.name, path: dir, readOnly: spec.readOnly ?? false });
  }

  const port = await freeLoopbackPort();
  const workgroup = options.workgroup ?? 'IBCTEST';
  const password = options.password ?? `P;w%'& ${randomBytes(6).toString('hex')}`;
  const configPath = path.join(rootDir, 'smb.conf');
  const at = (dir: string): string => path.join(rootDir, dir);
  const config = [
    '[global]',
    '  server role = standalone server',
    `  workgroup = ${workgroup}`,
    `  smb ports = ${port}`,
    '  interfaces = 127.0.0.1 ::1',
    '  bind interfaces only = yes',
    '  disable netbios = yes',
    `  passdb backend = tdbsam:${at('private')}/passdb.tdb`,
    `  private dir = ${at('private')}`,
    `  lock directory = ${at('lock')}`,
    `  state directory = ${at('state')}`,
    `  cache directory = ${at('cache')}`,
    `  pid directory = ${at('pid')}`,
    `  ncalrpc dir = ${at('ncalrpc')}`,
    `  log file = ${at('log')}/log.%m`,
    '  max log size = 1000',
    '  load printers = no',
    '  printcap name = /dev/null',
    '  disable spoolss = yes',
    '  server min protocol = SMB2_10',
    `  smb encrypt = ${options.encrypt ?? 'desired'}`,
    ...shares.flatMap((share) => [
      `[${share.name}]`,
      `  path = ${share.path}`,
      `  read only = ${share.readOnly ? 'yes' : 'no'}`,
      `  valid users = ${SAMBA_TEST_UNIX_USER}`,
    ]),
    '',
  ].join('\n');
  await writeFile(configPath, config, { mode: 0o644 });

  // The password goes to smbpasswd on stdin (-s), never on argv.
  await run('smbpasswd', ['-c', configPath, '-s', '-a', SAMBA_TEST_UNIX_USER], `${password}\n${password}\n`);

  // Detached: smbd gets its own process group, which it signals on SIGTERM.
  const daemon = spawn('smbd', ['-D', '-s', configPath], { detached: true, stdio: 'ignore' });
  daemon.unref();
  await waitForPort(port, 10_000);
  const pidFile = path.join(at('pid'), 'smbd.pid');
  const daemonPid = await readPid(pidFile);
  if (daemonPid) runningDaemons.add(daemonPid);

  const server: SambaServer = {
    host: '127.0.0.1',
    address: { kind: 'ipv4', host: '127.0.0.1' },
    port,
    shareName,
    username: SAMBA_TEST_UNIX_USER,
    password,
    workgroup,
    shareDir: shares[0]?.path ?? '',
    uncPath: `\\\\127.0.0.1\\${shareName}`,
    ipv6UncPath: `\\\\[::1]\\${shareName}`,
    shareDirOf(name) {
      const share = shares.find((candidate) => candidate.name === name);
      if (!share) throw new Error(`no share named ${name}`);
      return share.path;
    },
    configPath,
    rootDir,
    async signal(signal, options = {}) {
      const pid = (await readPid(pidFile)) ?? daemonPid;
      if (!pid) return;
      const targets = [...(await descendantsOf(pid)), ...(options.daemon ? [pid] : [])];
      for (const target of targets) {
        try {
          process.kill(target, signal);
        } catch {
          // already gone
        }
      }
    },
    async openFiles() {
      const output = await run('smbstatus', ['-s', configPath, '-L']).catch((error: unknown) => String(error));
      // One line per open file: "<pid> <uid> <deny> <access> <rw> <oplock> <share path> <name> <time>".
      return output.split('\n').filter((line) => /^\d+\s+\d+\s+DENY_/.test(line));
    },
    async stop() {
      const pid = (await readPid(pidFile)) ?? daemonPid;
      if (pid) {
        // A stopped smbd ignores SIGTERM until it runs again.
        for (const target of [...(await descendantsOf(pid)), pid]) {
          try {
            process.kill(target, 'SIGCONT');
          } catch {
            // already gone
          }
        }
        await terminate(pid);
      }
      if (daemonPid) runningDaemons.delete(daemonPid);
      await rm(rootDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Every process below `pid` (smbd forks one per connection, and helpers), from /proc. */
async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid …": comm may contain spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parents.set(Number(name), ppid);
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** smbd writes its pid file just after it starts listening: wait briefly for it. */
async function readPid(pidFile: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
    await sleep(20);
  }
  return undefined;
}

/** SIGTERM the smbd we started (by pid), SIGKILL after 5 s, and wait until it is gone. */
async function terminate(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (alive() && Date.now() < deadline) await sleep(20);
  if (alive()) process.kill(pid, 'SIGKILL');
  while (alive()) await sleep(20);
}

async function ensureUnixUser(name: string): Promise<void> {
  if (
    await run('id', ['-u', name]).then(
      () => true,
      () => false,
    )
  )
    return;
  // Exit 9 = already exists (another suite created it at the same moment).
  await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]).catch(async (error: unknown) => {
    if (
      !(await run('id', ['-u', name]).then(
        () => true,
        () => false,
      ))
    )
      throw error;
  });
}

async function numericId(flag: '-u' | '-g', name: string): Promise<number> {
  return Number((await run('id', [flag, name])).trim());
}

/** A port free on both 127.0.0.1 and ::1 (smbd listens on both). */
export async function freeLoopbackPort(): Promise<number> {
  for (;;) {
    const port = await listenAndClose('127.0.0.1', 0);
    if ((await listenAndClose('::1', port).catch(() => 0)) === port) return port;
  }
}

function listenAndClose(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`smbd did not listen on port ${port} within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Runs a command to completion; resolves with stdout, rejects with stderr. */
export function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.stdin.on('error', () => undefined); // commands that never read stdin (id, useradd)
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited ${code}: ${stderr.trim() || stdout.trim()}`));
    });
    child.stdin.end(input ?? '');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The share settings that back up to `server` — its share, or `folder` in it — as its account (for `saveSettings`). */
export function shareSettingsFor(server: SambaServer, folder?: string) {
  return {
    location: folder === undefined ? server.uncPath : `${server.uncPath}\\${folder}`,
    username: `${server.workgroup}\\${server.username}`,
    password: server.password,
    passwordConfirm: server.password,
    smbPort: server.port,
  };
}
