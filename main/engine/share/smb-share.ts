/**
 * FileShare over SMB through the system `smbclient` (see smbclient-runner.ts
 * for why we spawn it ourselves rather than through samba-client). SMB3 with
 * encryption whenever the server offers it; results parsed per command. The
 * driver does no retrying: that is a wrapper's job (wrappers/retrying-share.ts).
 */
import { spawn as nodeSpawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { defaultConfigDir } from '../app/config-dir';
import { EngineError, invalidInput, isEngineError } from '../errors';
import { registerSecret } from '../redact';
import { abortError, NO_CANCEL, throwIfAborted } from './abort';
import type { FileShare, ShareCapabilities, ShareEntry, ShareSession, ShareSpace, WriteResult } from './file-share';
import { temporaryNameFor } from './file-share';
import { classifyShareFailure, firstNtStatus, notFoundError, shareError, ShareError } from './share-errors';
import { baseName, joinSharePath, parentOf, pathComponents } from './share-path';
import {
  DEFAULT_DEADLINES,
  PASSWORD_PIPE_MAX_BYTES,
  passwordNeedsPipe,
  quoteArgument,
  runSmbclient,
  type SmbDeadlines,
  type SmbclientResult,
  type SmbclientRunOptions,
  type SmbEndpoint,
  type SpawnFunction,
} from './smbclient-runner';
import { parseAccount } from './smb-account';
import { SmbclientSession } from './smbclient-session';
import type { SmbclientSessions } from './smbclient-sessions';
import { readIfSmall } from './small-source';
import { uncHost, type HostAddress } from '../../../common/host-address';

export interface SmbShareOptions {
  /** The server, as common/host-address.ts parsed it. */
  address: HostAddress;
  /** Default 445. */
  port?: number;
  share: string;
  /** The backup folder inside the share, '/'-separated; '' for the share root. */
  folder?: string;
  /** `user`, `DOMAIN\\user` or `user@domain`. */
  username: string;
  password: string;
  /** smbclient's own timeout for each request to the server (`-t`). Default 30. */
  timeoutSeconds?: number;
  /** Our bounds per call class: a session of small commands, a stalled transfer. Default DEFAULT_DEADLINES. */
  deadlines?: Partial<SmbDeadlines>;
  /** Default 'desired': encrypted whenever the server supports it. */
  encryption?: 'desired' | 'required' | 'off';
  smbclientPath?: string;
  /** Injectable for tests (e.g. to record every smbclient argv). */
  spawn?: SpawnFunction;
  /** The console's config folder (default: the desktop app's): where smbclient's private folders go unless XDG_RUNTIME_DIR is private. */
  configDir?: string;
  /** A new smbclient for every small operation instead of one long-lived session (the bench compares both). */
  oneSessionPerOperation?: boolean;
  /** Sessions shared with the other drivers of the same endpoint (the engine's); without, the driver has its own, ended by close(). */
  sessions?: SmbclientSessions;
}

/** Files up to this size travel in the share's session (a lock, a manifest); larger ones stream through their own smbclient. */
const SMALL_FILE_BYTES = 1 << 20;

/** What smbclient answers for a name that is not there (the last component, or a folder on the way). */
const NOT_FOUND = new Set(['NO_SUCH_FILE', 'OBJECT_NAME_NOT_FOUND', 'OBJECT_PATH_NOT_FOUND']);
/** A failed write's temporary file: how often its removal is tried while the server still refuses it, and the pause between. */
const TEMPORARY_REMOVAL_TRIES = 5;
const TEMPORARY_REMOVAL_PAUSE_MS = 300;

export class SmbShare implements FileShare {
  readonly kind = 'smb' as const;
  readonly endpoint: SmbEndpoint;
  private readonly address: HostAddress;
  private readonly rootComponents: string[];
  /** Measured once, on the first folder whose `..` lacks the stamp (see deleteTree). */
  private dotDotReportsParent: Promise<boolean> | undefined;
  /** The session small operations share; null where stdbuf is missing (one smbclient per operation then). */
  private readonly persistent: SmbclientSession | null;
  /** Whether `persistent` is this driver's own (ended by close()) rather than the engine's shared one. */
  private readonly ownsSession: boolean;

  constructor(options: SmbShareOptions) {
    registerSecret(options.password);
    const account = parseAccount(options.username);
    if (passwordNeedsPipe(options.password) && Buffer.byteLength(options.password) > PASSWORD_PIPE_MAX_BYTES) {
      throw invalidInput(
        'password',
        `A password that starts with a space can be at most ${PASSWORD_PIPE_MAX_BYTES} bytes long: smbclient reads such a password from a pipe, and no further.`,
        'Use a password without leading spaces, or a shorter one.',
      );
    }
    this.rootComponents = pathComponents(options.folder ?? '', 'location');
    this.address = options.address;
    this.endpoint = {
      host: options.address.host,
      port: options.port ?? 445,
      share: options.share,
      username: account.username,
      domain: account.domain,
      password: options.password,
      timeoutSeconds: options.timeoutSeconds ?? 30,
      deadlines: { ...DEFAULT_DEADLINES, ...options.deadlines },
      encryption: options.encryption ?? 'desired',
      smbclientPath: options.smbclientPath ?? 'smbclient',
      spawn: options.spawn ?? nodeSpawn,
      configDir: options.configDir ?? defaultConfigDir(),
    };
    this.ownsSession = !options.sessions;
    this.persistent =
      options.oneSessionPerOperation || !SmbclientSession.available(this.endpoint.smbclientPath)
        ? null
        : (options.sessions?.sessionFor(this.endpoint) ?? new SmbclientSession(this.endpoint));
  }

  /** Logged or printed, a share shows where it points — never its credentials. */
  toJSON(): { kind: 'smb'; location: string } {
    return { kind: 'smb', location: this.describe() };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SmbShare(${this.describe()})`;
  }

  describe(): string {
    const folder = this.rootComponents.length ? `\\${this.rootComponents.join('\\')}` : '';
    const port = this.endpoint.port === 445 ? '' : ` (port ${this.endpoint.port})`;
    return `\\\\${uncHost(this.address)}\\${this.endpoint.share}${folder}${port}`;
  }

  capabilities(): ShareCapabilities {
    return { server: { address: this.address, port: this.endpoint.port }, reportsProtocol: true, links: 'when-marked' };
  }

  /** The SMB path (`\a\b`) of a share-relative path. */
  remotePath(sharePath: string): string {
    return `\\${[...this.rootComponents, ...pathComponents(sharePath)].join('\\')}`;
  }

  /**
   * Signs in and opens the share with debug level 5, and reads the dialect
   * and encryption from smbclient's own debug output ("negotiated
   * dialect[SMB3_11]", "Encrypted SMB2 message" per encrypted packet), on a
   * session with the same options as every transfer — so "encrypted" means
   * the transfers are. That output is parsed here and never stored or
   * logged: only NT_STATUS lines go into an error's cause.
   */
  async connect(signal: AbortSignal): Promise<ShareSession> {
    const run = await this.run({ commands: ['pwd'], debugLevel: 5, signal });
    if (run.aborted) throw abortError(signal);
    if (run.spawnError !== undefined || run.timedOut) this.segmentsOrThrow(run, 1, 'Opening the share failed.', signal);
    if (run.segments.length < 1) {
      const statusLines = run.transcript
        .split('\n')
        .filter((line) => /NT_STATUS_|Connection to .* failed/.test(line))
        .join('\n');
      const category = classifyShareFailure(statusLines);
      throw shareError(category, connectionDetail(category, this.describe()), statusLines || 'smbclient ended without opening the share');
    }
    const dialect = /negotiated dialect\[([A-Z0-9_]+)\]/.exec(run.transcript)?.[1] ?? null;
    const { domain, username } = this.endpoint;
    return { dialect, encrypted: /Encrypted SMB2 message/.test(run.transcript), account: domain ? `${domain}\\${username}` : username };
  }

  async stat(sharePath: string, signal: AbortSignal): Promise<ShareEntry | null> {
    if (pathComponents(sharePath).length === 0 && this.rootComponents.length === 0) {
      await this.commandsOrThrow([`cd ${quoteArgument('\\')}`], 'Opening the share failed.', signal);
      return { name: '', path: '', kind: 'directory', size: 0, modifiedAt: null };
    }
    const remote = this.remotePath(sharePath);
    const [segment = ''] = await this.session([`ls ${quoteArgument(remote)}`], `Checking "${sharePath}" failed.`, signal);
    const status = firstNtStatus(segment);
    if (status && NOT_FOUND.has(status)) {
      await this.throwUnlessNotFound(sharePath, segment, signal);
      return null;
    }
    if (status) throw shareError(classifyShareFailure(segment), `Checking "${sharePath}" failed.`, segment);
    const name = remote.slice(remote.lastIndexOf('\\') + 1);
    const entry = parseListing(segment, '').find((candidate) => candidate.name === name);
    if (!entry) return null;
    return { ...shareEntry(entry), name: baseName(sharePath), path: joinSharePath(sharePath) };
  }

  async list(dir: string, signal: AbortSignal): Promise<ShareEntry[]> {
    const remote = this.remotePath(dir);
    const mask = remote === '\\' ? '\\*' : `${remote}\\*`;
    const [segment = ''] = await this.session([`ls ${quoteArgument(mask)}`], `Listing the folder "${dir}" failed.`, signal);
    const status = firstNtStatus(segment);
    if (status && NOT_FOUND.has(status)) throw await this.absent(dir, segment, signal);
    if (status) throw shareError(classifyShareFailure(segment), `Listing the folder "${dir}" failed.`, segment);
    return parseListing(segment, joinSharePath(dir))
      .filter((entry) => entry.name !== '.' && entry.name !== '..')
      .map(shareEntry);
  }

  async mkdirp(dir: string, signal: AbortSignal): Promise<void> {
    const all = [...this.rootComponents, ...pathComponents(dir)];
    if (all.length === 0) return;
    const commands = all.map((_, index) => `mkdir ${quoteArgument(`\\${all.slice(0, index + 1).join('\\')}`)}`);
    commands.push(`cd ${quoteArgument(`\\${all.join('\\')}`)}`);
    const segments = await this.session(commands, `Creating the folder "${dir}" failed.`, signal);
    const failed = segments.slice(0, -1).find((segment) => {
      const status = firstNtStatus(segment);
      // An existing folder is success; whether it is really a folder is checked by cd.
      return status !== undefined && status !== 'OBJECT_NAME_COLLISION';
    });
    if (failed) throw shareError(classifyShareFailure(failed, 'write'), `Creating the folder "${dir}" failed.`, failed);
    const check = segments[segments.length - 1] ?? '';
    if (firstNtStatus(check)) throw shareError('path', `"${dir}" cannot be created because a file is in the way.`, check);
  }

  async writeStream(sharePath: string, source: Readable, signal: AbortSignal): Promise<WriteResult> {
    const components = pathComponents(sharePath);
    if (components.length === 0) throw shareError('path', 'A file needs a name.');
    const finalRemote = this.remotePath(sharePath);
    const parentRemote = finalRemote.slice(0, finalRemote.lastIndexOf('\\'));
    const temporaryName = temporaryNameFor(baseName(sharePath), randomBytes(6).toString('hex'));
    const temporaryRemote = `${parentRemote}\\${temporaryName}`;
    let mayHaveTemporary = false;
    try {
      throwIfAborted(signal);
      // A small file (a lock, a manifest) goes through the share's session; a larger one gets its own
      // smbclient, streaming. The size check runs in the same session as the put either way.
      const taken = this.persistent ? await readIfSmall(source, SMALL_FILE_BYTES, signal) : { stream: source };
      const sizeCheck = `ls ${quoteArgument(temporaryRemote)}`;
      const result =
        'small' in taken && this.persistent
          ? {
              ...(
                await this.persistent.runWithLocalFile(
                  taken.small,
                  (localFile) => [`put ${quoteArgument(localFile)} ${quoteArgument(temporaryRemote)}`, sizeCheck],
                  signal,
                )
              ).result,
              bytesIn: taken.small.length,
            }
          : await this.run({
              upload: { source: 'stream' in taken ? taken.stream : source, remote: temporaryRemote },
              commands: [sizeCheck],
              signal,
            });
      mayHaveTemporary = true;
      // What the server said comes first: when it goes away mid-upload, our pipe into
      // smbclient breaks too, but the operator needs "connectivity", not a broken pipe.
      const [putOutput = '', listSegment = ''] = this.segmentsOrThrow(result, 2, `Writing "${sharePath}" failed.`, signal);
      const putStatus = firstNtStatus(putOutput);
      if (putStatus && NOT_FOUND.has(putStatus)) throw await this.absent(parentOf(sharePath), putOutput, signal);
      // The whole transcript: smbclient prints a write's DISK_FULL on stderr, outside the segments.
      if (putStatus)
        throw shareError(classifyShareFailure(result.transcript, 'write'), `Writing "${sharePath}" failed.`, result.transcript);
      if (result.dataInError !== undefined) throw result.dataInError;
      const stored = parseListing(listSegment, '')[0]?.size;
      if (stored !== result.bytesIn) {
        // A write error during `put` from a file (disk full) is printed on stderr, outside the segments.
        if (firstNtStatus(result.transcript))
          throw shareError(classifyShareFailure(result.transcript, 'write'), `Writing "${sharePath}" failed.`, result.transcript);
        throw shareError('general', `"${sharePath}" was not stored completely (${stored ?? 0} of ${result.bytesIn} bytes).`, listSegment);
      }
      const [renameSegment = ''] = await this.session(
        [`rename ${quoteArgument(temporaryRemote)} ${quoteArgument(finalRemote)}`],
        `Publishing "${sharePath}" failed.`,
        signal,
      );
      const status = firstNtStatus(renameSegment);
      if (status === 'OBJECT_NAME_COLLISION') throw alreadyExists(sharePath);
      if (status) throw shareError(classifyShareFailure(renameSegment, 'write'), `Publishing "${sharePath}" failed.`, renameSegment);
      mayHaveTemporary = false;
      return { bytes: result.bytesIn };
    } catch (error) {
      source.destroy();
      // A write that failed half-way (disk full, lost connection, cancelled) leaves a partial file: remove it.
      // Not cancellable: a cancelled write must still clean up (the session has its deadline).
      if (mayHaveTemporary) await this.removeTemporary(temporaryRemote);
      throw error;
    }
  }

  /**
   * Removes a failed write's temporary file. After DISK_FULL the server drops the upload's
   * connection, and for a moment its process may still hold the file open, refusing the delete:
   * a few tries, a pause between. Whatever is left (the server gone) the next job's sweep removes.
   */
  private async removeTemporary(remote: string): Promise<void> {
    for (let attempt = 1; attempt <= TEMPORARY_REMOVAL_TRIES; attempt++) {
      const [segment = ''] = await this.session([`del ${quoteArgument(remote)}`], '', NO_CANCEL).catch(() => ['']);
      const status = firstNtStatus(segment);
      if (status === undefined || NOT_FOUND.has(status)) return;
      if (attempt < TEMPORARY_REMOVAL_TRIES) await new Promise((resolve) => setTimeout(resolve, TEMPORARY_REMOVAL_PAUSE_MS));
    }
  }

  /**
   * One session: `get` straight away (no `ls` first — each check is a round
   * trip). The promise settles when the first bytes arrive or `get` ends, so
   * a missing file still rejects it, as the FileShare contract says.
   */
  async readStream(sharePath: string, signal: AbortSignal): Promise<Readable> {
    throwIfAborted(signal);
    const remote = this.remotePath(sharePath);
    if (this.persistent) {
      // Its size first (a round trip in the session): a small file (a lock, a manifest) comes through the session too.
      const entry = await this.stat(sharePath, signal);
      if (!entry) throw notFoundError(sharePath, '');
      if (entry.kind === 'directory') throw shareError('path', `"${sharePath}" is a folder, not a file.`);
      if (entry.kind === 'file' && entry.size <= SMALL_FILE_BYTES) {
        const { result, content } = await this.persistent.runWithLocalFile(
          null,
          (localFile) => [`get ${quoteArgument(remote)} ${quoteArgument(localFile)}`],
          signal,
        );
        const [segment = ''] = this.segmentsOrThrow(result, 1, `Reading "${sharePath}" failed.`, signal);
        this.throwIfReadFailed(sharePath, segment);
        return Readable.from([content ?? Buffer.alloc(0)], { objectMode: false });
      }
    }
    const output = new PassThrough();
    const finished = this.run({ commands: [`get ${quoteArgument(remote)} /dev/fd/3`], dataOut: output, signal }).then(async (result) => {
      const [segment = ''] = this.segmentsOrThrow(result, 1, `Reading "${sharePath}" failed.`, signal);
      const status = firstNtStatus(segment);
      if (status && NOT_FOUND.has(status)) throw await this.absent(sharePath, segment, signal);
      this.throwIfReadFailed(sharePath, segment);
    });
    let onReadable = (): void => undefined;
    const firstBytes = new Promise<void>((resolve) => {
      onReadable = resolve;
      output.once('readable', onReadable);
    });
    try {
      // Whichever comes first: data (the file exists), or the end of `get` (an empty file, or an error).
      await Promise.race([firstBytes, finished]);
    } catch (error) {
      output.destroy();
      throw error;
    } finally {
      // A 'readable' listener would keep the consumer's 'data'/pipe from flowing.
      output.removeListener('readable', onReadable);
    }
    void finished.then(
      () => output.end(),
      (error: unknown) => output.destroy(asShareError(error, `Reading "${sharePath}" failed.`)),
    );
    return output;
  }

  /** The failure a `get` reported, other than a name not found (which needs a look at the backup folder). */
  private throwIfReadFailed(sharePath: string, segment: string): void {
    const status = firstNtStatus(segment);
    if (!status) return;
    if (NOT_FOUND.has(status)) throw notFoundError(sharePath, segment);
    if (status === 'FILE_IS_A_DIRECTORY') throw shareError('path', `"${sharePath}" is a folder, not a file.`, segment);
    throw shareError(classifyShareFailure(segment), `Reading "${sharePath}" failed.`, segment);
  }

  async rename(from: string, to: string, signal: AbortSignal): Promise<void> {
    if (pathComponents(from).length === 0 || pathComponents(to).length === 0)
      throw shareError('path', 'The backup folder itself cannot be renamed.');
    const [segment = ''] = await this.session(
      [`rename ${quoteArgument(this.remotePath(from))} ${quoteArgument(this.remotePath(to))}`],
      `Renaming "${from}" failed.`,
      signal,
    );
    const status = firstNtStatus(segment);
    if (status === 'OBJECT_NAME_COLLISION') throw alreadyExists(to);
    if (status && NOT_FOUND.has(status)) throw await this.absent(from, segment, signal);
    if (status) throw shareError(classifyShareFailure(segment, 'write'), `Renaming "${from}" to "${to}" failed.`, segment);
  }

  /**
   * Deletes without ever following a link. smbclient's own `deltree` would:
   * Samba follows the symbolic links it serves and reports their targets as
   * plain folders (measured with Samba 4.17: `ls`, `allinfo` and the
   * attributes of `MASBackup\\x -> ../OperatorData` are those of
   * OperatorData; no file id is printed), so a recursive delete through such
   * a link empties the folder it points to. So the driver recurses itself,
   * and before entering a folder proves that it really is inside its parent:
   * it stamps the parent's write time with a random instant and lists the
   * folder — a folder's `..` entry is its physical parent, which carries the
   * stamp only if the folder is not a link to somewhere else. Links the
   * server marks (reparse points, `r`) are removed themselves; a hidden link
   * is refused and nothing it points to is touched. Servers whose `..` does
   * not show the parent (checked once with a probe folder) are trusted to
   * mark their links, as Windows does.
   */
  async deleteTree(sharePath: string, signal: AbortSignal): Promise<void> {
    if (pathComponents(sharePath).length === 0) throw shareError('path', 'The backup folder itself cannot be deleted.');
    const remote = this.remotePath(sharePath);
    const detail = `Deleting "${sharePath}" failed.`;
    // `del` removes a file, or a link to one (never its target); for a folder it finds nothing to delete.
    const [deleted = ''] = await this.session([`del ${quoteArgument(remote)}`], detail, signal);
    const status = firstNtStatus(deleted);
    if (status === undefined) return;
    if (!NOT_FOUND.has(status)) throw shareError(classifyShareFailure(deleted, 'write'), detail, deleted);
    const stamp = randomStamp();
    await this.deleteFolder(sharePath, stamp, await this.session(this.probeCommands(sharePath, stamp), detail, signal), signal);
  }

  /** allinfo of the parent (its write time, to restore), the stamp on the parent, the folder's listing. */
  private probeCommands(folder: string, stamp: Date): string[] {
    const parentRemote = this.remotePath(parentOf(folder));
    return [
      `allinfo ${quoteArgument(parentRemote)}`,
      `utimes ${quoteArgument(parentRemote)} -1 -1 ${utimesArgument(stamp)} -1`,
      `ls ${quoteArgument(`${this.remotePath(folder)}\\*`)}`,
    ];
  }

  private async deleteFolder(folder: string, stamp: Date, probe: string[], signal: AbortSignal): Promise<void> {
    const detail = `Deleting "${folder}" failed.`;
    const [parentInfo = '', , listing = ''] = probe;
    const listStatus = firstNtStatus(listing);
    if (listStatus && NOT_FOUND.has(listStatus)) return this.throwUnlessNotFound(folder, listing, signal);
    if (listStatus) throw shareError(classifyShareFailure(listing), detail, listing);
    let entries = parseListing(listing, joinSharePath(folder));
    if (!carriesStamp(entries, stamp)) {
      // Once more: a concurrent change in the parent also moves its write time.
      const again = randomStamp();
      const [, , relisted = ''] = await this.session(this.probeCommands(folder, again), detail, signal);
      entries = parseListing(relisted, joinSharePath(folder));
      if (!carriesStamp(entries, again) && (await this.dotDotShowsParent(parentOf(folder), signal))) {
        await this.restoreWriteTime(parentOf(folder), parentInfo);
        throw new ShareError(
          'general',
          `"${folder}" is a link to a folder elsewhere on the file server (the server follows it and shows the folder it points to): it was not deleted, and nothing it points to was touched.`,
          'Remove the link on the file server itself; it is not a backup.',
          listing,
        );
      }
    }
    const children = entries.filter((entry) => entry.name !== '.' && entry.name !== '..');
    const removals = children
      .filter((entry) => entry.kind !== 'directory')
      .map((entry) => `${entry.attributes.includes('D') ? 'rmdir' : 'del'} ${quoteArgument(this.remotePath(entry.path))}`);
    if (removals.length > 0) {
      const segments = await this.session(removals, detail, signal);
      const failed = segments.find((segment) => {
        const status = firstNtStatus(segment);
        return status !== undefined && !NOT_FOUND.has(status);
      });
      if (failed) throw shareError(classifyShareFailure(failed, 'write'), detail, failed);
    }
    for (const child of children.filter((entry) => entry.kind === 'directory')) {
      const childStamp = randomStamp();
      const childProbe = await this.session(this.probeCommands(child.path, childStamp), detail, signal);
      await this.deleteFolder(child.path, childStamp, childProbe, signal);
    }
    const [removed = ''] = await this.session([`rmdir ${quoteArgument(this.remotePath(folder))}`], detail, signal);
    const status = firstNtStatus(removed);
    if (status && !NOT_FOUND.has(status)) throw shareError(classifyShareFailure(removed, 'write'), detail, removed);
  }

  /**
   * Whether this server's `..` entries show a folder's parent (Samba's do),
   * measured once with a probe folder in `parent`. Where they do not, a
   * folder is trusted to be what the server says it is.
   */
  private async dotDotShowsParent(parent: string, signal: AbortSignal): Promise<boolean> {
    this.dotDotReportsParent ??= (async () => {
      const probe = joinSharePath(parent, `.ibc-link-probe-${randomBytes(6).toString('hex')}`);
      const stamp = randomStamp();
      const probeRemote = this.remotePath(probe);
      const [, ...probeSegments] = await this.session(
        [`mkdir ${quoteArgument(probeRemote)}`, ...this.probeCommands(probe, stamp), `rmdir ${quoteArgument(probeRemote)}`],
        'Checking how the server reports folders failed.',
        signal,
      );
      return carriesStamp(parseListing(probeSegments[2] ?? '', probe), stamp);
    })();
    return this.dotDotReportsParent.catch((error: unknown) => {
      this.dotDotReportsParent = undefined;
      throw error;
    });
  }

  /** Puts back the write time `allinfo` reported for `folder` (best effort: the stamp is harmless, only odd). */
  private async restoreWriteTime(folder: string, allinfo: string): Promise<void> {
    const written = /write_time:\s+([A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})/.exec(allinfo)?.[1];
    const time = written ? parseSmbclientDate(written) : null;
    if (!time) return;
    await this.run({ commands: [`utimes ${quoteArgument(this.remotePath(folder))} -1 -1 ${utimesArgument(time)} -1`] }).catch(
      () => undefined,
    );
  }

  async freeSpace(signal: AbortSignal): Promise<ShareSpace> {
    // `ls` prints the volume's "N blocks of size S. M blocks available" footer
    // after a successful listing: list just the backup folder's own entry
    // when there is one (cheap), and the share root as a fallback.
    const commands = [`ls ${quoteArgument('\\*')}`];
    if (this.rootComponents.length) commands.unshift(`ls ${quoteArgument(this.remotePath(''))}`);
    const segments = await this.session(commands, 'Reading the free space failed.', signal);
    for (const segment of segments) {
      const space = parseSpaceFooter(segment);
      if (space) return space;
    }
    throw shareError(classifyShareFailure(segments.join('\n')), 'The server did not report its free space.', segments.join('\n'));
  }

  /** Ends the driver's own session; a shared one stays for the next driver of this endpoint (smbclient-sessions.ts). */
  async close(): Promise<void> {
    if (this.ownsSession) await this.persistent?.close();
  }

  /** Runs a one-shot smbclient with this endpoint. */
  run(options: SmbclientRunOptions): Promise<SmbclientResult> {
    return runSmbclient(this.endpoint, options);
  }

  /**
   * Connection-level outcome: when smbclient never got to run every command
   * (could not connect, log on, open the share, was cancelled, or died),
   * throws the classified error; otherwise returns one output segment per
   * command.
   */
  private segmentsOrThrow(result: SmbclientResult, count: number, detail: string, signal: AbortSignal): string[] {
    if (result.aborted) throw abortError(signal);
    if (result.spawnError !== undefined) {
      throw new EngineError({
        code: 'share',
        category: 'general',
        message: `The SMB client program (${this.endpoint.smbclientPath}) could not be started.`,
        remediation: 'Install the smbclient package (for example: apt-get install smbclient) and try again.',
        cause: result.spawnError,
      });
    }
    if (result.timedOut) throw shareError('connectivity', `${detail} The server did not answer in time.`, result.transcript);
    if (result.segments.length < count) {
      // smbclient that dies without a word (the server vanished mid-transfer) is a lost connection.
      const silent = result.transcript.trim() === '' && result.exitCode !== 0;
      const category = silent ? 'connectivity' : classifyShareFailure(result.transcript);
      throw shareError(category, connectionDetail(category, this.describe()) ?? detail, result.transcript);
    }
    return result.segments;
  }

  /** Small operations go through the share's one long-lived smbclient where the system allows it (smbclient-session.ts). */
  private async session(commands: string[], detail: string, signal: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    if (!this.persistent) return this.segmentsOrThrow(await this.run({ commands, signal }), commands.length, detail, signal);
    // smbclient resolves every path against its current folder: a `cd` (a check that a folder
    // exists) must not outlive its request in a session that serves the next ones.
    const all = commands.some((command) => command.startsWith('cd ')) ? [...commands, `cd ${quoteArgument('\\')}`] : commands;
    return this.segmentsOrThrow(await this.persistent.run(all, signal), all.length, detail, signal).slice(0, commands.length);
  }

  /** A session whose every command must succeed (any NT_STATUS fails it). */
  private async commandsOrThrow(commands: string[], detail: string, signal: AbortSignal): Promise<string[]> {
    const segments = await this.session(commands, detail, signal);
    const failed = segments.find((segment) => firstNtStatus(segment) !== undefined);
    if (failed !== undefined) throw shareError(classifyShareFailure(failed), detail, failed);
    return segments;
  }

  /**
   * The error for a name the server did not find: not-found when the
   * configured backup folder exists (what is missing is inside it), path when
   * the backup folder itself is missing or not a folder.
   */
  private async absent(sharePath: string, segment: string, signal: AbortSignal): Promise<ShareError> {
    if (this.rootComponents.length > 0) {
      const root = this.remotePath('');
      const [check = ''] = await this.session([`cd ${quoteArgument(root)}`], 'Opening the backup folder failed.', signal);
      if (firstNtStatus(check)) {
        return shareError('path', `The backup folder ${this.describe()} does not exist on the share, or is not a folder.`, check);
      }
    }
    return notFoundError(sharePath, segment);
  }

  private async throwUnlessNotFound(sharePath: string, segment: string, signal: AbortSignal): Promise<void> {
    const error = await this.absent(sharePath, segment, signal);
    if (error.kind !== 'not-found') throw error;
  }
}

function shareEntry({ name, path, kind, size, modifiedAt }: ListedEntry): ShareEntry {
  return { name, path, kind, size, modifiedAt };
}

/** A random whole second between 2001 and 2031: the parent stamp of deleteTree's link check. */
function randomStamp(): Date {
  const from = Date.UTC(2001, 0, 1) / 1000;
  const to = Date.UTC(2031, 0, 1) / 1000;
  return new Date((from + (randomBytes(4).readUInt32BE(0) % (to - from))) * 1000);
}

/** smbclient `utimes` takes YY:MM:DD-HH:MM:SS (read as UTC: smbclient runs with TZ=UTC). */
function utimesArgument(time: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(time.getUTCFullYear() % 100)}:${two(time.getUTCMonth() + 1)}:${two(time.getUTCDate())}-${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())}`;
}

/** Whether a folder listing's `..` entry (its physical parent) carries the stamp. */
function carriesStamp(entries: ListedEntry[], stamp: Date): boolean {
  return entries.find((entry) => entry.name === '..')?.modifiedAt?.getTime() === stamp.getTime();
}

function connectionDetail(category: string, where: string): string | undefined {
  switch (category) {
    case 'authentication':
      return `${where} did not accept the user name and password.`;
    case 'path':
      return `${where} does not exist on the server.`;
    case 'connectivity':
      return `${where} could not be reached.`;
    default:
      return undefined;
  }
}

function alreadyExists(sharePath: string): EngineError {
  return shareError('general', `"${sharePath}" already exists on the share and was not replaced.`);
}

function asShareError(error: unknown, detail: string): Error {
  if (isEngineError(error)) return error;
  return shareError('general', detail, error);
}

/** A listed entry with the attribute letters smbclient printed for it (`D` folder, `r` reparse point, …). */
export interface ListedEntry extends ShareEntry {
  attributes: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** smbclient's `Sun Nov 29 11:42:06 2026`, printed in UTC (smbclient runs with TZ=UTC). */
export function parseSmbclientDate(text: string): Date | null {
  const match = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text.trim());
  if (!match) return null;
  const [, month = '', day = '', hours = '', minutes = '', seconds = '', year = ''] = match;
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) return null;
  return new Date(Date.UTC(Number(year), monthIndex, Number(day), Number(hours), Number(minutes), Number(seconds)));
}

/**
 * Entries of smbclient `ls` output. A line is `  <name><pad><attrs> <size>  <date>`;
 * names may contain spaces, so the line is matched from the right. An entry
 * whose attributes carry `r` (FILE_ATTRIBUTE_REPARSE_POINT: a symbolic link,
 * junction or mount point, as Windows servers mark them) is a 'link'.
 */
export function parseListing(text: string, dir: string): ListedEntry[] {
  const entries: ListedEntry[] = [];
  const line = /^ {2}(.+?)\s+([A-Za-z]*)\s+(\d+) {2}([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;
  for (const raw of text.split('\n')) {
    const match = line.exec(raw);
    if (!match) continue;
    const [, name = '', attributes = '', size = '0', date = ''] = match;
    const kind = attributes.includes('r') ? 'link' : attributes.includes('D') ? 'directory' : 'file';
    entries.push({
      name,
      path: joinSharePath(dir, name),
      kind,
      size: kind === 'file' ? Number(size) : 0,
      modifiedAt: parseSmbclientDate(date),
      attributes,
    });
  }
  return entries;
}

/** The "N blocks of size S. M blocks available" footer of `ls`/`du`. */
export function parseSpaceFooter(text: string): ShareSpace | undefined {
  const match = /(\d+) blocks of size (\d+)\. (\d+) blocks available/.exec(text);
  if (!match) return undefined;
  const [, blocks = '0', blockSize = '0', available = '0'] = match;
  return { totalBytes: Number(blocks) * Number(blockSize), freeBytes: Number(available) * Number(blockSize) };
}
