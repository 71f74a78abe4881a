import type { BackupDetail, BackupSummary } from '../../../preload/api';
import { EngineError, isEngineError } from '../errors';
import type { FileShare } from '../share/file-share';
import { isNotFound } from '../share/share-errors';
import { BACKUP_ROOT, isBackupId } from './backup-id';
import { MANIFEST_FILE } from './backup-job';
import type { BackupFormat, ReadManifest } from './codec-port';
import { NO_CANCEL } from '../share/abort';

export async function readAll(share: FileShare, path: string): Promise<Buffer> {
  const stream = await share.readStream(path, NO_CANCEL);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function backupNotFound(backupId: string): EngineError {
  return new EngineError({
    code: 'invalid-input',
    field: 'backupId',
    message: `There is no complete backup "${backupId}" on the share.`,
    remediation: 'List the backups to see their names; unfinished (.partial) backups cannot be opened.',
  });
}

export interface CatalogEntry {
  manifest: ReadManifest;
  manifestBytes: Buffer;
}

/** A backup's manifest, read from `MASBackup/<id>/manifest.json`. */
export async function readBackup(share: FileShare, format: BackupFormat, backupId: string): Promise<CatalogEntry> {
  if (!isBackupId(backupId)) throw backupNotFound(backupId);
  const path = `${BACKUP_ROOT}/${backupId}/${MANIFEST_FILE}`;
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readAll(share, path);
  } catch (error) {
    // Read directly rather than checked first: each check is a round trip to the share.
    if (isNotFound(error)) throw backupNotFound(backupId);
    throw error;
  }
  return { manifest: format.readManifest(manifestBytes), manifestBytes };
}

/**
 * Every complete backup on the share, newest first. The share is the source
 * of truth: a reinstalled console, or another console, sees the same list.
 * `.partial` folders are never listed. A folder whose manifest is unreadable
 * is listed as Failed rather than hidden, so the operator sees it.
 */
export async function listCatalog(
  share: FileShare,
  format: BackupFormat,
  cache?: Map<string, CatalogEntry>,
): Promise<Array<CatalogEntry | { backupId: string; problem: string }>> {
  let listing: Awaited<ReturnType<FileShare['list']>>;
  try {
    listing = await share.list(BACKUP_ROOT, NO_CANCEL);
  } catch (error) {
    // No MASBackup folder: no backup was ever taken here. A missing share or
    // configured folder is not that (category path): it reaches the operator.
    if (isNotFound(error)) return [];
    throw error;
  }
  const ids = listing.filter((entry) => entry.kind === 'directory' && isBackupId(entry.name)).map((entry) => entry.name);
  ids.sort().reverse();
  const entries: Array<CatalogEntry | { backupId: string; problem: string }> = [];
  for (const id of cache?.keys() ?? []) if (!ids.includes(id)) cache?.delete(id);
  for (const backupId of ids) {
    // A published backup never changes (verify re-reads it from the share), so listing reuses what it read before.
    const known = cache?.get(backupId);
    if (known) {
      entries.push(known);
      continue;
    }
    try {
      const entry = await readBackup(share, format, backupId);
      cache?.set(backupId, entry);
      entries.push(entry);
    } catch (error) {
      if (isEngineError(error) && error.code === 'share') throw error;
      entries.push({ backupId, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return entries;
}

export function summaryOf(manifest: ReadManifest, expiresAt: string | null): BackupSummary {
  return {
    backupId: manifest.backupId,
    createdAt: manifest.createdAt,
    completedAt: manifest.completedAt,
    state: manifest.state,
    trigger: manifest.trigger,
    sizeBytes: manifest.components.reduce((sum, component) => sum + component.storedBytes, 0),
    certificateThumbprint: manifest.encryption.recipientThumbprint,
    encryptionMode: manifest.encryption.mode,
    recoveryReady: manifest.recoveryReady,
    expiresAt,
  };
}

export function unreadableSummary(backupId: string): BackupSummary {
  return {
    backupId,
    createdAt: backupIdTime(backupId),
    completedAt: null,
    state: 'Failed',
    trigger: 'on-demand',
    sizeBytes: 0,
    certificateThumbprint: null,
    encryptionMode: 'certificate',
    recoveryReady: false,
    expiresAt: null,
  };
}

export function detailOf(manifest: ReadManifest, expiresAt: string | null): BackupDetail {
  return {
    ...summaryOf(manifest, expiresAt),
    durationSeconds: manifest.durationSeconds,
    components: manifest.components.map((component) => ({
      name: component.name,
      state: component.state,
      sourceBytes: component.sourceBytes,
      storedBytes: component.storedBytes,
      ...(component.error ? { error: component.error } : {}),
    })),
  };
}

/** 20261124T101500Z-3fa9c1 → 2026-11-24T10:15:00.000Z */
export function backupIdTime(backupId: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(backupId);
  if (!match) return new Date(0).toISOString();
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`).toISOString();
}
