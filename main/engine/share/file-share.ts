/**
 * The one interface the engine uses to store backups, in the spirit of
 * restic's backend interface: few methods, each with a precise contract, and
 * two drivers (SMB via smbclient, local folder) that pass one conformance
 * suite (test/integration/share/conformance.ts).
 *
 * Paths are share-relative and '/'-separated, relative to the configured
 * backup folder ('' is that folder itself). Names are checked by
 * share-path.ts: `" * ? < > | : \` and control characters are refused with
 * invalid-input naming the character, before any I/O.
 *
 * Every I/O failure is an EngineError with code 'share' and a `category`
 * (capacity | connectivity | path | authentication | general) whose message
 * and remediation are the matching Azure Stack alert; the technical cause is
 * kept (scrubbed) for the log. Credentials never appear in either.
 */
import type { Readable } from 'node:stream';

export interface ShareEntry {
  /** The last path component. */
  name: string;
  /** Share-relative path of the entry. */
  path: string;
  kind: 'file' | 'directory';
  /** Bytes for files; 0 for directories. */
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

export interface FileShare {
  readonly kind: 'smb' | 'local';

  /** Where the share points, for logs and messages (never includes credentials). */
  describe(): string;

  /**
   * The entry at `path`, or null when nothing exists there. Fails (category
   * path) only when a parent is not a folder; other failures by category.
   */
  stat(path: string): Promise<ShareEntry | null>;

  /**
   * The entries directly inside folder `dir` ('.' and '..' excluded), in no
   * particular order. Fails with category path when `dir` does not exist or
   * is not a folder.
   */
  list(dir: string): Promise<ShareEntry[]>;

  /**
   * Creates folder `dir` and any missing parents. Succeeds when it already
   * exists as a folder; fails (category path) when it or a parent is a file.
   */
  mkdirp(dir: string): Promise<void>;

  /**
   * Streams `source` into file `path` and publishes it atomically: the data
   * goes to a temporary name in the same folder, its size on the share is
   * checked against the bytes read from `source`, then it is renamed to
   * `path`. The parent folder must exist (category path otherwise). Fails
   * without overwriting when `path` already exists. On any failure (including
   * `source` erroring, or the share filling up: category capacity) the
   * temporary file is removed, so no partial file is left behind, and
   * `source` is destroyed. A failure of `source` itself is rethrown as is
   * (it is not a share failure); share failures carry their category.
   *
   * Design choice: the driver consumes a Readable (rather than handing out a
   * Writable) so that success means "published", and back-pressure is plain
   * stream piping.
   */
  writeStream(path: string, source: Readable): Promise<WriteResult>;

  /**
   * A Readable of file `path`'s bytes. The returned promise rejects (category
   * path) when the file does not exist; later failures are emitted as an
   * 'error' event carrying a share EngineError.
   */
  readStream(path: string): Promise<Readable>;

  /**
   * Renames file or folder `from` to `to` (folders may differ). Fails and
   * changes nothing when `to` already exists, or `from` does not.
   */
  rename(from: string, to: string): Promise<void>;

  /** Deletes `path` and everything below it. Succeeds when it does not exist. */
  deleteTree(path: string): Promise<void>;

  /** Free and total bytes of the volume behind the share, as the server reports them. */
  freeSpace(): Promise<ShareSpace>;

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
