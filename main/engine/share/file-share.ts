/**
 * The one interface the engine uses to store backups, in the spirit of
 * restic's backend interface: few methods, each with a precise contract.
 * Drivers implement it (SMB via smbclient, a local folder; a Windows driver
 * may follow) and pass one conformance suite on real storage
 * (test/integration/share/conformance.ts). Behaviour that is not storage —
 * retrying, counting calls, scripted faults — is layered on top as wrappers
 * (./wrappers/), never as branches on a driver's class: callers ask
 * `capabilities()` what a driver can do.
 *
 * Paths are share-relative and '/'-separated, relative to the configured
 * backup folder ('' is that folder itself). Names are checked by
 * share-path.ts: `" * ? < > | : \` and control characters are refused with
 * invalid-input naming the character, before any I/O.
 *
 * Every method takes an AbortSignal. Once it aborts, the operation stops
 * promptly (a driver kills the process it spawned, closes what it opened) and
 * rejects with a `cancelled` EngineError (abort.ts). Callers with nothing to
 * cancel pass NO_CANCEL; every driver still bounds each operation by its own
 * deadlines (see the driver).
 *
 * Failures are ShareErrors (share-errors.ts) of one kind:
 * - **not-found**: what the call names is absent inside the backup folder
 *   (a file, a folder, a parent folder of either). Never retried.
 * - **path**: the share, or the configured backup folder itself, cannot be
 *   resolved (no such share, the configured folder missing or a file).
 * - **capacity**, **authentication**, **connectivity**, **general**, each
 *   with the matching Azure Stack alert's message and remediation, and the
 *   technical cause kept (scrubbed) for the log. Credentials never appear.
 * Only connectivity failures are transient (worth a retry); every other kind
 * is permanent, as restic marks disk-full and permission errors permanent.
 */
import type { Readable } from 'node:stream';
import type { HostAddress } from '../../../common/host-address';

export interface ShareEntry {
  /** The last path component. */
  name: string;
  /** Share-relative path of the entry. */
  path: string;
  /**
   * 'link': a symbolic link, junction or other reparse point — not a real
   * file or folder of this tree — as the server reports it. A server may
   * also hide links (Samba follows the symlinks it serves and reports their
   * targets; see `ShareCapabilities.links`): a 'directory' is what the server
   * calls one. deleteTree never follows a link either way.
   */
  kind: 'file' | 'directory' | 'link';
  /** Bytes for files; 0 for directories and links. */
  size: number;
  modifiedAt: Date | null;
}

export interface ShareSpace {
  freeBytes: number;
  totalBytes: number;
}

export interface WriteResult {
  /** Bytes written and verified on the share. */
  bytes: number;
}

/** What a driver can do or report, asked instead of testing its class. */
export interface ShareCapabilities {
  /**
   * The server a network driver talks to, which the connection test probes
   * for reachability first; null for a folder the OS provides.
   */
  server: { address: HostAddress; port: number } | null;
  /** `connect` reports the negotiated protocol dialect and whether transfers are encrypted. */
  reportsProtocol: boolean;
  /**
   * How links show in `list` and `stat`: 'always' (every link is a 'link'),
   * or 'when-marked' (only links the server marks as reparse points; a
   * server that follows links itself, as Samba does, reports their targets).
   */
  links: 'always' | 'when-marked';
}

/** What `connect` learnt. */
export interface ShareSession {
  /** The negotiated protocol dialect (e.g. "SMB3_11"), or null when the driver has none or does not report it. */
  dialect: string | null;
  /** Whether transfers are encrypted by the protocol (SMB encryption). */
  encrypted: boolean;
  /** The account signed in as (`DOMAIN\user`), or null when the OS provides the access. */
  account: string | null;
}

export interface FileShare {
  readonly kind: 'smb' | 'local';

  /** Where the share points, for logs and messages (never includes credentials). */
  describe(): string;

  capabilities(): ShareCapabilities;

  /**
   * Connects and signs in (network drivers) and opens the share, without
   * touching any file: fails with authentication, path (no such share),
   * connectivity… Says nothing about the configured backup folder.
   */
  connect(signal: AbortSignal): Promise<ShareSession>;

  /**
   * The entry at `path`, or null when nothing exists there (also when a
   * parent folder is missing). Fails with path when the configured folder
   * is missing or a parent is not a folder; other failures by kind.
   */
  stat(path: string, signal: AbortSignal): Promise<ShareEntry | null>;

  /**
   * The entries directly inside folder `dir` ('.' and '..' excluded), in no
   * particular order. Fails with not-found when `dir` does not exist inside
   * the backup folder, path when the backup folder itself does not exist or
   * `dir` is not a folder.
   */
  list(dir: string, signal: AbortSignal): Promise<ShareEntry[]>;

  /**
   * Creates folder `dir` and any missing parents — the configured backup
   * folder included. Succeeds when it already exists as a folder; fails
   * (path) when it or a parent is a file.
   */
  mkdirp(dir: string, signal: AbortSignal): Promise<void>;

  /**
   * Streams `source` into file `path` and publishes it atomically: the data
   * goes to a temporary name in the same folder, its size on the share is
   * checked against the bytes read from `source`, then it is renamed to
   * `path`. The parent folder must exist (not-found otherwise; path when the
   * backup folder itself is missing). Fails without overwriting when `path`
   * already exists (general). On any failure (including `source` erroring,
   * the share filling up: capacity, or an abort) the temporary file is
   * removed, so no partial file is left behind, and `source` is destroyed. A
   * failure of `source` itself is rethrown as is (it is not a share
   * failure). Never retried by a wrapper: a stream cannot be replayed.
   *
   * Design choice: the driver consumes a Readable (rather than handing out a
   * Writable) so that success means "published", and back-pressure is plain
   * stream piping.
   */
  writeStream(path: string, source: Readable, signal: AbortSignal): Promise<WriteResult>;

  /**
   * A Readable of file `path`'s bytes. The returned promise rejects with
   * not-found when the file does not exist; later failures are emitted as an
   * 'error' event carrying a ShareError (an abort destroys the stream with
   * the cancelled error).
   */
  readStream(path: string, signal: AbortSignal): Promise<Readable>;

  /**
   * Renames file or folder `from` to `to` (folders may differ). Fails and
   * changes nothing when `to` already exists (general), or `from` does not
   * (not-found).
   */
  rename(from: string, to: string, signal: AbortSignal): Promise<void>;

  /**
   * Deletes `path` and everything below it. Succeeds when it does not exist.
   * Never follows a link: a link is removed itself, never what it points to;
   * when the driver cannot tell a folder from a link to one without removing
   * the target's contents, it refuses (general) and deletes nothing there.
   */
  deleteTree(path: string, signal: AbortSignal): Promise<void>;

  /** Free and total bytes of the volume behind the share, as the server reports them. */
  freeSpace(signal: AbortSignal): Promise<ShareSpace>;

  /** Releases whatever the driver holds (temp files, connections). Idempotent. */
  close(): Promise<void>;
}

/**
 * The temporary name a write uses before publishing: hidden, unique, in the
 * same folder, recognisable, and made of plain characters only (the SMB
 * driver passes it in smbclient's `-c`, which splits on `;`).
 */
export function temporaryNameFor(finalName: string, unique: string): string {
  const plain = finalName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  return `.${plain}.${unique}.partial-write`;
}
