import type { Duplex, Readable } from 'node:stream';

/**
 * What the backup job needs from the backup format (docs/BACKUP-FORMAT.md),
 * as one seam: the job orchestrates sources, the share, the lock and the
 * manifest's life cycle; the format owns bytes.
 */
export type ComponentPayload = 'tar' | 'raw';

export interface ComponentRecord {
  name: string;
  state: 'Succeeded' | 'Failed';
  error?: string;
  payload: ComponentPayload;
  file: string;
  sourceBytes: number;
  storedBytes: number;
  sha256: string;
  compression: string;
}

export interface ManifestDraft {
  backupId: string;
  createdAt: string;
  completedAt: string;
  durationSeconds: number;
  trigger: 'scheduled' | 'on-demand' | 'catch-up';
  state: 'Succeeded' | 'PartialSucceeded' | 'Failed';
  components: ComponentRecord[];
  recoveryReady: boolean;
  stamp: Record<string, string>;
}

/** One component's encrypting stream, and what the manifest records of its output once it has ended. */
export interface EncryptedComponent {
  stream: Duplex;
  compression(): string;
  /** Lowercase hex SHA-256 of the stream's output (computed on the crypto pool). */
  sha256(): string;
  storedBytes(): number;
}

/** One backup's sealing context: a fresh data key, wrapped for the recipient. */
export interface BackupSealer {
  /** The recipient's thumbprint, or null in legacy-key mode. */
  readonly recipientThumbprint: string | null;
  readonly encryptionMode: 'certificate' | 'legacy-key';
  /** plaintext (tar or raw) → compressed (when worthwhile) → encrypted chunks. */
  encryptComponent(component: string, payload: ComponentPayload): EncryptedComponent;
  /** The manifest's bytes, authenticated with the data key. */
  sealManifest(draft: ManifestDraft): Buffer;
  /** A tar stream of a folder; rejects unsupported entries (symlinks, devices) by failing the stream. `onFileBytes` counts the files' bytes as they are consumed. */
  packFolder(dir: string, onFileBytes?: (delta: number) => void): Readable;
}

/** A manifest as read back from the share (structure checked, not yet authenticated). */
export interface ReadManifest extends ManifestDraft {
  /** 1: made before signing (no signature); 2: signed by the station that made it. */
  formatVersion: number;
  /** The station signature: its public key (base64 of 32 bytes) and whether it verifies. Null when unsigned. */
  signature: { publicKey: string; valid: boolean } | null;
  /** The recipient: a certificate's thumbprint, or (backwards-compatibility mode) the legacy key's id. */
  encryption: { mode: 'certificate' | 'legacy-key'; recipientThumbprint: string | null; legacyKeyId?: string };
}

/** Key material for opening a backup: held in memory for one operation. */
export type OpeningKey = { kind: 'private-key'; privateKey: import('node:crypto').KeyObject } | { kind: 'legacy-key'; key: Buffer };

/** A backup whose data key was unwrapped and whose manifest was authenticated. */
export interface UnlockedBackup {
  /**
   * stored bytes → plaintext (tar or raw); errors on any bad tag, truncation or reordering.
   * `boundOutput`: fail once the output exceeds the component's sourceBytes plus a margin (restore: a decompression bomb must not fill the disk).
   */
  decryptComponent(component: ComponentRecord, options?: { boundOutput?: boolean }): Duplex;
}

export interface BackupFormat {
  newSealer(
    backupId: string,
    target: { mode: 'certificate'; thumbprint: string; publicKey: import('node:crypto').KeyObject } | { mode: 'legacy-key'; key: Buffer },
    /** The station key the manifest is signed with. */
    signer: import('../secrets/station-signing-key').StationSigner,
  ): BackupSealer;
  /** Throws EngineError 'verify-failed' naming what is wrong with the manifest. */
  readManifest(bytes: Buffer): ReadManifest;
  /** Throws EngineError 'wrong-key' when the key does not open it, 'verify-failed' when the manifest was tampered with. */
  unlock(manifestBytes: Buffer, key: OpeningKey): UnlockedBackup;
  /** Extracts a tar stream into `dir`, refusing absolute paths, `..`, links and devices. */
  extractTar(dir: string, tar: Readable): Promise<{ files: number; bytes: number }>;
}
