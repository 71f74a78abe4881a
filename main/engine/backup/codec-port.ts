import type { Readable, Transform } from 'node:stream';

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

/** One backup's sealing context: a fresh data key, wrapped for the recipient. */
export interface BackupSealer {
  /** The recipient's thumbprint, or null in legacy-key mode. */
  readonly recipientThumbprint: string | null;
  readonly encryptionMode: 'certificate' | 'legacy-key';
  /** plaintext (tar or raw) → compressed (when worthwhile) → encrypted chunks. */
  encryptComponent(component: string, payload: ComponentPayload): { stream: Transform; compression: () => string };
  /** The manifest's bytes, authenticated with the data key. */
  sealManifest(draft: ManifestDraft): Buffer;
  /** A tar stream of a folder; rejects unsupported entries (symlinks, devices) by failing the stream. */
  packFolder(dir: string): Readable;
}
