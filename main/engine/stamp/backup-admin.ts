/**
 * The operations of Microsoft.Backup.Admin 2018-09-01 the console uses, over
 * the ARM client: BackupLocations_Get/Update/CreateBackup/PruneExternalStore
 * and Backups_List, on the stamp's one backup location
 * `/subscriptions/{sub}/resourceGroups/System.{region}/providers/Microsoft.Backup.Admin/backupLocations/{region}`.
 */
import {
  DEFAULT_PROVIDER_SUBSCRIPTION,
  STAMP_API_VERSION,
  SUBSCRIPTIONS_API_VERSION,
  backupList,
  backupLocation,
  subscriptionList,
  type BackupLocation,
  type BackupLocationRequest,
  type BackupResource,
} from '../../../common/contract/stamp-api';
import { parseJson, type AcceptedOperation, type ArmClient } from './arm-client';
import type { HttpsResponse } from './https-client';
import { stampFailure } from './stamp-errors';

export interface StampTarget {
  subscriptionId: string;
  region: string;
}

export function backupLocationPath(target: StampTarget): string {
  const sub = encodeURIComponent(target.subscriptionId);
  const region = encodeURIComponent(target.region);
  return `/subscriptions/${sub}/resourceGroups/System.${region}/providers/Microsoft.Backup.Admin/backupLocations/${region}`;
}

export type Started = { finished: HttpsResponse } | { accepted: AcceptedOperation; response: HttpsResponse };

/** The Default Provider Subscription, found by name in the signed-in account's subscriptions (as Azure Stack Hub's own scripts do). */
export async function findDefaultProviderSubscription(arm: ArmClient, signal?: AbortSignal): Promise<string> {
  let url: string | null = arm.url('/subscriptions', SUBSCRIPTIONS_API_VERSION);
  while (url) {
    const response = await arm.send('GET', url, undefined, signal);
    if (response.status !== 200) throw arm.refused(response, 'listing subscriptions');
    const page = parseJson(subscriptionList, response, 'listing subscriptions');
    const found = page.value.find((subscription) => subscription.displayName === DEFAULT_PROVIDER_SUBSCRIPTION);
    if (found) return found.subscriptionId;
    url = page.nextLink ? arm.url(page.nextLink, null) : null;
  }
  throw stampFailure(
    'path',
    `The signed-in account sees no "${DEFAULT_PROVIDER_SUBSCRIPTION}"; it is where the stamp's infrastructure backup lives.`,
  );
}

export class BackupAdmin {
  private readonly path: string;

  constructor(
    private readonly arm: ArmClient,
    readonly target: StampTarget,
  ) {
    this.path = backupLocationPath(target);
  }

  getLocation(signal?: AbortSignal): Promise<BackupLocation> {
    return this.arm.call('GET', this.path, STAMP_API_VERSION, backupLocation, 'reading the backup location', undefined, signal);
  }

  startUpdate(body: BackupLocationRequest, signal?: AbortSignal): Promise<Started> {
    return this.arm.start('PUT', this.path, STAMP_API_VERSION, 'updating the backup location', body, signal);
  }

  startCreateBackup(signal?: AbortSignal): Promise<Started> {
    return this.arm.start('POST', `${this.path}/createBackup`, STAMP_API_VERSION, 'the backup', undefined, signal);
  }

  startPrune(operationType: 'Default' | 'DryRun', signal?: AbortSignal): Promise<Started> {
    return this.arm.start(
      'POST',
      `${this.path}/pruneExternalStore`,
      STAMP_API_VERSION,
      'pruning the external store',
      { operationType },
      signal,
    );
  }

  async listBackups(signal?: AbortSignal): Promise<BackupResource[]> {
    const page = await this.arm.call('GET', `${this.path}/backups`, STAMP_API_VERSION, backupList, 'listing backups', undefined, signal);
    return page.value;
  }
}
