import { describe, expect, it } from 'vitest';
import { backupJson, toBackupJson } from '../../../common/contract/backup-json';
import { backupSummary } from '../../../common/contract/views';
import type { BackupSummary } from '../../../preload/api';

const summary: BackupSummary = {
  backupId: '2026-11-29T060000Z-1a2b3c',
  createdAt: '2026-11-29T06:00:00.000Z',
  completedAt: '2026-11-29T06:20:48.590Z',
  state: 'PartialSucceeded',
  trigger: 'scheduled',
  sizeBytes: 1234,
  certificateThumbprint: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
  encryptionMode: 'certificate',
  recoveryReady: false,
  expiresAt: '2026-12-06T06:00:00.000Z',
  signedBy: 'AAAA',
  backupInfo: {
    backupDataVersion: '2',
    stampVersion: '1.2406.0.8',
    deploymentID: '3f1c9a2e-0000-4000-8000-00000000beef',
    oemVersion: '2.3.2406.1',
    timeTakenToCreate: 'PT20M48.59S',
    roleStatus: [
      { roleName: 'identity', status: 'Succeeded' },
      { roleName: 'keyvault', status: 'Failed' },
    ],
  },
};

describe("a backup in the CLI's JSON carries Microsoft.Backup.Admin's backupInfo names", () => {
  it('maps every API field to its API name, flat, and keeps the console-only fields under their own names', () => {
    const printed = toBackupJson(backupSummary.parse(summary));
    expect(backupJson.parse(printed)).toEqual({
      backupId: summary.backupId,
      status: 'PartialSucceeded',
      createdDateTime: '2026-11-29T06:00:00.000Z',
      timeTakenToCreate: 'PT20M48.59S',
      backupDataVersion: '2',
      stampVersion: '1.2406.0.8',
      deploymentID: '3f1c9a2e-0000-4000-8000-00000000beef',
      oemVersion: '2.3.2406.1',
      roleStatus: summary.backupInfo?.roleStatus,
      isCloudRecoveryReady: false,
      encryptionCertThumbprint: summary.certificateThumbprint,
      trigger: 'scheduled',
      completedAt: summary.completedAt,
      sizeBytes: 1234,
      encryptionMode: 'certificate',
      expiresAt: summary.expiresAt,
      signedBy: 'AAAA',
    });
    // None of the contract's own names for an API field is left beside it.
    for (const old of ['state', 'createdAt', 'recoveryReady', 'certificateThumbprint', 'backupInfo'])
      expect(printed).not.toHaveProperty(old);
  });

  it('a row with no backupInfo (Running, Skipped, Unknown) prints the API fields as not recorded, and its reason or problem', () => {
    const skipped = toBackupJson({
      ...summary,
      state: 'Skipped',
      backupInfo: undefined,
      reason: 'paused for an update',
      signedBy: undefined,
    });
    expect(backupJson.parse(skipped)).toMatchObject({
      status: 'Skipped',
      timeTakenToCreate: null,
      backupDataVersion: null,
      stampVersion: null,
      deploymentID: null,
      oemVersion: null,
      roleStatus: [],
      reason: 'paused for an update',
    });
    expect(skipped).not.toHaveProperty('signedBy');
  });

  it("every field of the contract's backup summary has a place in the printed shape", () => {
    const everyOptional: BackupSummary = { ...summary, legacyKeyId: 'k1', problem: 'p', deleting: true, reason: 'r' };
    expect(Object.keys(everyOptional).sort()).toEqual(Object.keys(backupSummary.shape).sort());
    const printed = backupJson.parse(toBackupJson(everyOptional));
    expect(printed).toMatchObject({ legacyKeyId: 'k1', problem: 'p', deleting: true, reason: 'r' });
  });
});
