/**
 * Backup folders written straight onto the storage behind a share (a local
 * folder, or the folder behind the harness's Samba share), as another console
 * — or someone forging one from docs/BACKUP-FORMAT.md — would leave them:
 * a sealed manifest, and a component file with what it claims.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backupFormat } from '../../main/engine/backup/backup-format';
import type { ManifestDraft } from '../../main/engine/backup/codec-port';
import { generateStationSigningKey } from '../../main/engine/secrets/station-signing-key';

/** A legacy key, so forging needs no RSA key pair; its manifests name `legacyKeyId(key)`. */
export const FORGING_KEY = randomBytes(32);
/** The station key the forged manifests are signed with (not the console's under test). */
export const FORGING_SIGNER = generateStationSigningKey().signer;

/** `20261101T000000Z-aaaaaa` for a time and a 6-hex-digit tail. */
export function idAt(time: string, tail: string): string {
  const stamp = new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${tail}`;
}

export function draftFor(backupId: string, completedAt: string, change: Partial<ManifestDraft> = {}): ManifestDraft {
  const y = backupId.slice(0, 4);
  const created = `${y}-${backupId.slice(4, 6)}-${backupId.slice(6, 8)}T${backupId.slice(9, 11)}:${backupId.slice(11, 13)}:${backupId.slice(13, 15)}.000Z`;
  return {
    backupId,
    createdAt: created,
    completedAt,
    durationSeconds: Math.max(0, (Date.parse(completedAt) - Date.parse(created)) / 1000),
    trigger: 'scheduled',
    state: 'Succeeded',
    components: [
      {
        name: 'files',
        state: 'Succeeded',
        payload: 'raw',
        file: 'files.bin',
        sourceBytes: 4,
        storedBytes: 4,
        sha256: '0'.repeat(64),
        compression: 'none',
      },
    ],
    recoveryReady: true,
    stamp: {},
    ...change,
  };
}

/**
 * Writes `<root>/MASBackup/<folder>/manifest.json` (sealed with FORGING_KEY;
 * `manifestText` replaces it outright) and a component file.
 */
export async function plantBackup(
  root: string,
  folder: string,
  draft: ManifestDraft,
  options: { manifestText?: string; key?: Buffer } = {},
): Promise<string> {
  const dir = join(root, 'MASBackup', folder);
  await mkdir(dir, { recursive: true });
  const sealer = backupFormat.newSealer(draft.backupId, { mode: 'legacy-key', key: options.key ?? FORGING_KEY }, FORGING_SIGNER);
  await writeFile(join(dir, 'manifest.json'), options.manifestText ?? sealer.sealManifest(draft));
  await writeFile(join(dir, 'files.bin'), 'data');
  return dir;
}
