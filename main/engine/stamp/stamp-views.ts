/** The stamp's resources as the contract shows them: the API's names, write-only fields left out, absent values null. */
import type { StampBackupLocationView, StampBackupView } from '../../../preload/api';
import type { BackupLocation, BackupResource } from '../../../common/contract/stamp-api';

export function backupLocationView(resource: BackupLocation, region: string): StampBackupLocationView {
  const store = resource.properties?.externalStoreDefault;
  return {
    id: resource.id ?? '',
    name: resource.name ?? region,
    location: resource.location ?? region,
    externalStoreDefault: {
      path: store?.path ?? null,
      userName: store?.userName ?? null,
      encryptionCertThumbprint: store?.encryptionCertThumbprint ?? null,
      backupFrequencyInHours: store?.backupFrequencyInHours ?? null,
      availableCapacity: store?.availableCapacity ?? null,
      isBackupSchedulerEnabled: store?.isBackupSchedulerEnabled ?? null,
      nextBackupTime: store?.nextBackupTime ?? null,
      lastBackupTime: store?.lastBackupTime ?? null,
      backupRetentionPeriodInDays: store?.backupRetentionPeriodInDays ?? null,
    },
  };
}

/** A backup's name is its GUID: Backups_List names it "{guid}", CreateBackup "{region}/{guid}". */
export function backupName(resource: BackupResource): string {
  const raw = resource.name ?? resource.id ?? '';
  return raw.split('/').filter(Boolean).pop() ?? '';
}

/**
 * Cloud recovery is destructive and outside this console; this is the
 * Azs.Backup.Admin command that restores from the backup, for the operator
 * to run where the .pfx is.
 */
export function restoreCommand(name: string, region: string): string {
  return (
    `Restore-AzsBackup -Location ${region} -Name ${name} -DecryptionCertPath <path to the .pfx> ` +
    `-DecryptionCertPassword (Read-Host -AsSecureString -Prompt '.pfx password')`
  );
}

export function backupView(resource: BackupResource, region: string): StampBackupView {
  const info = resource.properties?.backupInfo;
  const name = backupName(resource);
  return {
    id: resource.id ?? '',
    name,
    location: resource.location ?? region,
    backupInfo: {
      backupDataVersion: info?.backupDataVersion ?? null,
      roleStatus: (info?.roleStatus ?? []).map((role) => ({ roleName: role.roleName ?? '', status: role.status ?? null })),
      status: info?.status ?? null,
      createdDateTime: info?.createdDateTime ?? null,
      timeTakenToCreate: info?.timeTakenToCreate ?? null,
      deploymentID: info?.deploymentID ?? null,
      stampVersion: info?.stampVersion ?? null,
      oemVersion: info?.oemVersion ?? null,
      isCloudRecoveryReady: info?.isCloudRecoveryReady ?? null,
      encryptionCertThumbprint: info?.encryptionCertThumbprint ?? null,
    },
    restoreCommand: restoreCommand(name, region),
  };
}

/** Newest first, by the time the stamp created them. */
export function newestFirst(backups: StampBackupView[]): StampBackupView[] {
  const time = (backup: StampBackupView) => Date.parse(backup.backupInfo.createdDateTime ?? '') || 0;
  return [...backups].sort((a, b) => time(b) - time(a));
}
