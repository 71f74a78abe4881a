/**
 * A backup as the CLI prints it (`backup list --json`, `backup start --wait
 * --json`): Azure Stack's backupInfo names (Microsoft.Backup.Admin
 * 2018-09-01) wherever the API has the field, flat beside the console's own
 * fields, which keep the contract's names. The one mapping from the
 * contract's `backupSummary` to that shape.
 */
import { z } from 'zod';
import type { BackupSummary } from '../../preload/api';
import { backupInfo, backupState, backupSummary } from './views';

const timestamp = z.string();

export const backupJson = z.strictObject({
  // ── the API's names (properties.backupInfo) ──
  backupId: z.string(),
  /** The API's status values, plus the console's Cancelled and Unknown. */
  status: backupState,
  createdDateTime: timestamp,
  timeTakenToCreate: z.string().nullable(),
  backupDataVersion: z.string().nullable(),
  stampVersion: z.string().nullable(),
  deploymentID: z.string().nullable(),
  oemVersion: z.string().nullable(),
  roleStatus: backupInfo.shape.roleStatus,
  isCloudRecoveryReady: z.boolean(),
  encryptionCertThumbprint: z.string().nullable(),
  // ── the console's own (no API counterpart): as the contract's backupSummary has them ──
  ...backupSummary.pick({
    trigger: true,
    completedAt: true,
    sizeBytes: true,
    encryptionMode: true,
    expiresAt: true,
    legacyKeyId: true,
    signedBy: true,
    problem: true,
    deleting: true,
    reason: true,
  }).shape,
});

export type BackupJson = z.output<typeof backupJson>;

/** Contract field → the name the CLI prints it under, where the API has one (README: Backup metadata). */
export function toBackupJson(backup: BackupSummary): BackupJson {
  const info = backup.backupInfo;
  return {
    backupId: backup.backupId,
    status: backup.state,
    createdDateTime: backup.createdAt,
    timeTakenToCreate: info?.timeTakenToCreate ?? null,
    backupDataVersion: info?.backupDataVersion ?? null,
    stampVersion: info?.stampVersion ?? null,
    deploymentID: info?.deploymentID ?? null,
    oemVersion: info?.oemVersion ?? null,
    roleStatus: info?.roleStatus ?? [],
    isCloudRecoveryReady: backup.recoveryReady,
    encryptionCertThumbprint: backup.certificateThumbprint,
    trigger: backup.trigger,
    completedAt: backup.completedAt,
    sizeBytes: backup.sizeBytes,
    encryptionMode: backup.encryptionMode,
    expiresAt: backup.expiresAt,
    ...(backup.legacyKeyId !== undefined ? { legacyKeyId: backup.legacyKeyId } : {}),
    ...(backup.signedBy !== undefined ? { signedBy: backup.signedBy } : {}),
    ...(backup.problem !== undefined ? { problem: backup.problem } : {}),
    ...(backup.deleting !== undefined ? { deleting: backup.deleting } : {}),
    ...(backup.reason !== undefined ? { reason: backup.reason } : {}),
  };
}
