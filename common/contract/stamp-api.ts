/**
 * Azure Stack Hub's infrastructure backup admin API (Microsoft.Backup.Admin,
 * api-version 2018-09-01) as zod schemas: our own reading of the published
 * OpenAPI documents, written once and used by the console's client (to parse
 * what a stamp answers), by the contract's stamp views (which keep the API's
 * field names), and by the test harness's mock admin endpoint (to reject what
 * the spec would reject).
 *
 * Read from Azure/azure-rest-api-specs,
 * specification/azsadmin/resource-manager/backup/Microsoft.Backup.Admin/stable/2018-09-01/:
 *   Backup.json           e01cd3d125e39edb7c48fe139aab2ad09da77437 (Resource, ApiVersionParameter)
 *   BackupLocations.json  acdc2ec0821760902c4bc612e2e96a13b921df46 (BackupLocation, ExternalStore, prune)
 *   Backups.json          69d6d815701c187d032691f8d5df744ba2bdf163 (Backup, BackupInfo, OperationStatus)
 *   examples/BackupLocations/{Get,List,Update,Backup,Prune}.json, examples/Backups/List.json
 *
 * What the spec says and we follow: BackupLocations_Update is a PUT (not a
 * PATCH) and long-running (200, or 202 then poll; final state via Location);
 * CreateBackup and PruneExternalStore are long-running POSTs; the prune option
 * is a body `{ "operationType": "Default" | "DryRun" }`. The examples answer
 * `null` for write-only and absent values (`password`, `encryptionCertBase64`,
 * `oemVersion`), so response fields are nullable although Swagger 2.0 cannot
 * say so. Requests carry only the writable fields (the read-only ones are
 * marked `readOnly` in the spec).
 */
import { z } from 'zod';

export const STAMP_API_VERSION = '2018-09-01';
/** The metadata endpoint's own version (the same for every Azure Stack Hub). */
export const METADATA_API_VERSION = '2015-01-01';
/** ARM's subscription list, used to find the Default Provider Subscription when none is given. */
export const SUBSCRIPTIONS_API_VERSION = '2016-06-01';
export const DEFAULT_PROVIDER_SUBSCRIPTION = 'Default Provider Subscription';
export const BACKUP_LOCATION_TYPE = 'Microsoft.Backup.Admin/backupLocations';
export const BACKUP_TYPE = 'Microsoft.Backup.Admin/backupLocations/backups';

const text = z.string().max(16 * 1024);
const dateTime = z.string().max(64);

/** Backups.json OperationStatus. */
export const OPERATION_STATUSES = ['Creating', 'Queued', 'Running', 'Deleted', 'Failed', 'PartialSucceeded', 'Succeeded'] as const;
export const operationStatus = z.enum(OPERATION_STATUSES);

/** BackupLocations.json PruneBackupStoreOperationType. */
export const PRUNE_OPERATION_TYPES = ['Default', 'DryRun'] as const;
export const pruneOperationType = z.enum(PRUNE_OPERATION_TYPES);

// ───────────────────────────── what a client sends ─────────────────────────────

/** ExternalStore's writable fields: what an Update request may carry (readOnly ones are refused). */
export const externalStoreRequest = z.strictObject({
  path: text.optional(),
  userName: text.optional(),
  password: text.optional(),
  encryptionCertBase64: z
    .string()
    .max(256 * 1024)
    .optional(),
  backupFrequencyInHours: z.number().int().optional(),
  isBackupSchedulerEnabled: z.boolean().optional(),
  backupRetentionPeriodInDays: z.number().int().optional(),
});
export type ExternalStoreRequest = z.output<typeof externalStoreRequest>;

/** The body of BackupLocations_Update (BackupLocationObjectParameter: a BackupLocation; id, name and type are readOnly). */
export const backupLocationRequest = z.strictObject({
  location: text.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.strictObject({ externalStoreDefault: externalStoreRequest }),
});
export type BackupLocationRequest = z.output<typeof backupLocationRequest>;

/** The body of BackupLocations_PruneExternalStore (optional). */
export const pruneOptionRequest = z.strictObject({ operationType: pruneOperationType.optional() });

// ───────────────────────────── what a stamp answers ─────────────────────────────

const resourceEnvelope = {
  id: text.nullish(),
  name: text.nullish(),
  type: text.nullish(),
  location: text.nullish(),
  tags: z.record(z.string(), z.string()).nullish(),
};

export const externalStore = z.object({
  path: text.nullish(),
  userName: text.nullish(),
  password: text.nullish(),
  encryptionCertBase64: z.string().nullish(),
  encryptionCertThumbprint: text.nullish(),
  backupFrequencyInHours: z.number().int().nullish(),
  availableCapacity: text.nullish(),
  isBackupSchedulerEnabled: z.boolean().nullish(),
  nextBackupTime: dateTime.nullish(),
  lastBackupTime: dateTime.nullish(),
  backupRetentionPeriodInDays: z.number().int().nullish(),
});

export const backupLocation = z.object({
  ...resourceEnvelope,
  properties: z.object({ externalStoreDefault: externalStore.nullish() }).nullish(),
});
export type BackupLocation = z.output<typeof backupLocation>;

export const roleOperationStatus = z.object({ roleName: text.nullish(), status: operationStatus.nullish() });

export const backupInfo = z.object({
  backupDataVersion: text.nullish(),
  roleStatus: z.array(roleOperationStatus).nullish(),
  status: operationStatus.nullish(),
  createdDateTime: dateTime.nullish(),
  timeTakenToCreate: text.nullish(),
  deploymentID: text.nullish(),
  stampVersion: text.nullish(),
  oemVersion: text.nullish(),
  isCloudRecoveryReady: z.boolean().nullish(),
  encryptionCertThumbprint: text.nullish(),
});

export const backupResource = z.object({
  ...resourceEnvelope,
  properties: z.object({ backupInfo: backupInfo.nullish() }).nullish(),
});
export type BackupResource = z.output<typeof backupResource>;

/** Backups_List is not pageable (x-ms-pageable nextLinkName null); nextLink is in the schema all the same. */
export const backupList = z.object({ value: z.array(backupResource), nextLink: text.nullish() });

export const pruneList = z.object({ properties: z.object({ pathsToDelete: z.array(text).nullish() }).nullish() });

// ───────────────────────────── ARM around the API ─────────────────────────────

/** `GET {adminEndpoint}/metadata/endpoints?api-version=2015-01-01`: where to sign in, and for which audience. */
export const metadataEndpoints = z.object({
  galleryEndpoint: text.nullish(),
  graphEndpoint: text.nullish(),
  portalEndpoint: text.nullish(),
  authentication: z.object({
    loginEndpoint: text,
    audiences: z.array(text).min(1),
  }),
});

/** ARM's error body (every 4xx/5xx, and a failed long-running operation's final answer). */
export const armErrorBody = z.object({
  error: z.object({ code: text.nullish(), message: text.nullish(), target: text.nullish() }).nullish(),
});

/** An Azure-AsyncOperation status document (ARM's long-running operation protocol). */
export const asyncOperationStatus = z.object({
  status: text,
  error: z.object({ code: text.nullish(), message: text.nullish() }).nullish(),
});

export const subscriptionList = z.object({
  value: z.array(z.object({ subscriptionId: text, displayName: text.nullish(), state: text.nullish() })),
  nextLink: text.nullish(),
});
