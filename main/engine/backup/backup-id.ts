import { randomBytes } from 'node:crypto';

/**
 * Backup ids sort by creation time and are unique across consoles writing the
 * same share: UTC timestamp to the second, then 6 random hex digits
 * (e.g. 20261124T101500Z-3fa9c1).
 */
export function newBackupId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const BACKUP_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;
/** `<id>.partial`: a backup being written (or the remains of a job that died). Never listed as a backup. */
export const PARTIAL_SUFFIX = '.partial';
/** `<id>.deleting`: a backup being deleted — unpublished by one rename, then removed. Never listed as a backup. */
export const DELETING_SUFFIX = '.deleting';
export const BACKUP_ROOT = 'MASBackup';

export function isBackupId(name: string): boolean {
  return BACKUP_ID_PATTERN.test(name);
}

/** The backup id of `<id><suffix>`, or null when the name is not exactly that. */
export function backupIdWithSuffix(name: string, suffix: string): string | null {
  if (!name.endsWith(suffix)) return null;
  const id = name.slice(0, -suffix.length);
  return isBackupId(id) ? id : null;
}

/** 20261124T101500Z-3fa9c1 → 2026-11-24T10:15:00.000Z; null for a name that is not a backup id. */
export function backupIdTime(backupId: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{6}$/.exec(backupId);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const time = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}
