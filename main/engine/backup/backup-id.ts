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
export const PARTIAL_SUFFIX = '.partial';
export const BACKUP_ROOT = 'MASBackup';

export function isBackupId(name: string): boolean {
  return BACKUP_ID_PATTERN.test(name);
}

export function isPartialFolder(name: string): boolean {
  return name.endsWith(PARTIAL_SUFFIX) && isBackupId(name.slice(0, -PARTIAL_SUFFIX.length));
}
