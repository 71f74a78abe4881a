/**
 * FileShare over the Windows SMB redirector, connected in process with the
 * configured account: WNetAddConnection2W (deviceless, not persisted) before
 * the first operation, WNetGetUserW to prove the connection is ours, plain
 * file I/O on the UNC path (the local driver's, unchanged), and
 * WNetCancelConnection2W when the job closes the share — which every caller
 * does in a `finally`, so a failed or cancelled job disconnects too.
 */
import type { Readable } from 'node:stream';
import type { FileShare, ShareCapabilities, ShareEntry, ShareSession, ShareSpace, WriteResult } from '../file-share';
import { registerSecret } from '../../redact';
import { throwIfAborted, whenAborted } from '../abort';
import { LocalShare } from '../local-share';
import { shareError } from '../share-errors';
import { isSameAccount } from './connected-identity';
import type { Win32Net } from './win32-net';
import { WIN32, win32ShareError } from './win32-share-errors';

/** ERROR_NOT_CONNECTED: nothing to disconnect (already gone). */
const NOT_CONNECTED = 2250;

export interface WindowsSmbShareOptions {
  /** `\\server\share`: exactly what is connected and disconnected. */
  remote: string;
  /** The backup folder the file I/O runs in: `\\server\share\folder` (a local folder in tests). */
  folder: string;
  /** `DOMAIN\user` or `user@domain`. */
  username: string;
  password: string;
  net: Win32Net;
  /** Told when a disconnect fails; the job's own result stands. Default: a process warning. */
  onDisconnectFailure?: (code: number) => void;
}

export class WindowsSmbShare implements FileShare {
  readonly kind = 'smb' as const;
  private readonly files: LocalShare;
  private readonly options: Omit<WindowsSmbShareOptions, 'password'>;
  /** A private field: never shown by util.inspect or JSON.stringify of the driver. */
  readonly #password: string;
  /** The connection in progress or made (resolving to the account Windows confirmed); null when none is held. */
  private connection: Promise<string> | null = null;

  constructor({ password, ...options }: WindowsSmbShareOptions) {
    registerSecret(password);
    this.#password = password;
    this.options = options;
    this.files = new LocalShare(options.folder);
  }

  describe(): string {
    return this.options.folder;
  }

  capabilities(): ShareCapabilities {
    // The redirector hides the dialect and encryption from plain file I/O; links
    // are reparse points the local driver sees with lstat.
    return { server: null, reportsProtocol: false, links: 'always' };
  }

  async connect(signal: AbortSignal): Promise<ShareSession> {
    const account = await this.connected(signal);
    return { dialect: null, encrypted: false, account };
  }

  async stat(path: string, signal: AbortSignal): Promise<ShareEntry | null> {
    await this.connected(signal);
    return this.files.stat(path, signal);
  }

  async list(dir: string, signal: AbortSignal): Promise<ShareEntry[]> {
    await this.connected(signal);
    return this.files.list(dir, signal);
  }

  async mkdirp(dir: string, signal: AbortSignal): Promise<void> {
    await this.connected(signal);
    return this.files.mkdirp(dir, signal);
  }

  async writeStream(path: string, source: Readable, signal: AbortSignal): Promise<WriteResult> {
    try {
      await this.connected(signal);
    } catch (error) {
      source.destroy();
      throw error;
    }
    return this.files.writeStream(path, source, signal);
  }

  async readStream(path: string, signal: AbortSignal): Promise<Readable> {
    await this.connected(signal);
    return this.files.readStream(path, signal);
  }

  async rename(from: string, to: string, signal: AbortSignal): Promise<void> {
    await this.connected(signal);
    return this.files.rename(from, to, signal);
  }

  async deleteTree(path: string, signal: AbortSignal): Promise<void> {
    await this.connected(signal);
    return this.files.deleteTree(path, signal);
  }

  async freeSpace(signal: AbortSignal): Promise<ShareSpace> {
    await this.connected(signal);
    const space = await this.options.net.diskSpace(this.options.folder);
    if (space.code !== WIN32.success) throw win32ShareError(space.code, `Reading the free space of ${this.options.folder}`);
    return { freeBytes: space.freeBytes, totalBytes: space.totalBytes };
  }

  /** Disconnects what this driver connected; idempotent. A later operation connects again. */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (!connection) return;
    // A connect still in flight is waited for, so it cannot outlive the job.
    if (
      !(await connection.then(
        () => true,
        () => false,
      ))
    )
      return;
    await this.disconnect();
  }

  /**
   * The connection, made on first use. A cancel does not wait for a connect
   * that Windows is still trying (it can take the network's timeout): the
   * operation rejects at once, the connect goes on, and close() waits for it
   * and disconnects it.
   */
  private async connected(signal: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    if (!this.connection) {
      const attempt = this.addConnection();
      this.connection = attempt;
      // A failed connect holds nothing: the next operation (or a retry) tries again.
      attempt.catch(() => {
        if (this.connection === attempt) this.connection = null;
      });
    }
    const aborted = whenAborted(signal);
    try {
      return await Promise.race([this.connection, aborted.promise]);
    } finally {
      aborted.dispose();
    }
  }

  private async addConnection(): Promise<string> {
    const { net, remote, username } = this.options;
    const code = await net.addConnection(remote, username, this.#password);
    if (code !== WIN32.success) throw win32ShareError(code, `Connecting to ${remote} as ${username}`);
    // Without this, a connection Windows already had (another identity, the
    // logged-on user) could make every check pass for the wrong account.
    const identity = await net.connectedUser(remote);
    if (identity.code !== WIN32.success || !isSameAccount(username, identity.user)) {
      await this.disconnect();
      if (identity.code !== WIN32.success) throw win32ShareError(identity.code, `Confirming the account connected to ${remote}`);
      throw shareError(
        'authentication',
        `Windows connected to ${remote} as "${identity.user}", not as the configured "${username}".`,
        `WNetGetUserW reported ${identity.user}`,
      );
    }
    return identity.user;
  }

  private async disconnect(): Promise<void> {
    const { net, remote } = this.options;
    let code = await net.cancelConnection(remote, false);
    // Files still open here belong to this driver's own aborted transfers.
    if (code === WIN32.openFiles) code = await net.cancelConnection(remote, true);
    if (code !== WIN32.success && code !== NOT_CONNECTED) {
      (this.options.onDisconnectFailure ?? warnDisconnectFailure)(code);
    }
  }
}

function warnDisconnectFailure(code: number): void {
  process.emitWarning(`Disconnecting from the file share failed (Windows error ${code}); Windows drops the connection when idle.`);
}
