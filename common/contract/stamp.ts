/**
 * The contract's stamp method group: managing an Azure Stack Hub stamp's own
 * infrastructure backup (Microsoft.Backup.Admin) from the console, next to the
 * console's own engine. Inputs and results of every `stamp*` method, and the
 * stamp's events. Backup locations and backups keep the API's field names
 * (common/contract/stamp-api.ts); what the API does not have (the connection,
 * the console's record of long-running operations) has its own types.
 */
import { z } from 'zod';
import { stampSettingsInputSchema } from '../stamp-settings';
import { OPERATION_STATUSES, PRUNE_OPERATION_TYPES } from './stamp-api';
import { apiError } from './views';

const text = (max = 4096) => z.string().max(max);
const timestamp = z.string();

// ───────────────────────────── inputs ─────────────────────────────

/** An https URL, such as https://adminmanagement.local.azurestack.external. */
function checkAdminEndpoint(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'Admin endpoint must be a URL such as https://adminmanagement.local.azurestack.external.';
  }
  if (url.protocol !== 'https:') return 'Admin endpoint must use https:// (the admin Resource Manager endpoint of the stamp).';
  if (url.username || url.password) return 'Admin endpoint must not carry a user name or password.';
  if (url.search || url.hash) return 'Admin endpoint must be the endpoint itself, without a query or fragment.';
  return null;
}

const refine = (check: (value: string) => string | null) => (value: string, context: z.RefinementCtx) => {
  const message = check(value);
  if (message) context.addIssue({ code: 'custom', message });
};

const REGION = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const pem = z
  .string()
  .max(256 * 1024)
  .superRefine(
    refine((value) =>
      /-----BEGIN CERTIFICATE-----/.test(value)
        ? null
        : 'The root CA file must hold PEM certificates (-----BEGIN CERTIFICATE----- …): export the enterprise root CA as Base-64 encoded X.509.',
    ),
  );

export const stampConnectInput = z.strictObject({
  /** The stamp's admin Resource Manager endpoint, https://adminmanagement.{region}.{fqdn}. */
  adminEndpoint: text(2048).superRefine(refine(checkAdminEndpoint)),
  /** The region name; when absent it is read from the endpoint's host (adminmanagement.{region}.…). */
  region: text(63)
    .superRefine(refine((value) => (REGION.test(value) ? null : 'Region must be a name such as "local" (letters, digits, hyphens).')))
    .optional(),
  /** The Default Provider Subscription's id; when absent it is found by name. */
  subscriptionId: text(36)
    .superRefine(refine((value) => (GUID.test(value) ? null : 'Subscription must be a subscription id (a GUID).')))
    .optional(),
  signIn: z.discriminatedUnion('method', [
    z.strictObject({
      /** An operator signs in on any device with a browser (device code flow). */
      method: z.literal('device-code'),
      /** Azure AD: the directory tenant (contoso.onmicrosoft.com or its id). AD FS: not needed. */
      tenant: text(256).optional(),
      /** The public client to sign in as; default: the client Azure Stack Hub PowerShell uses. */
      clientId: text(64).optional(),
    }),
    z.strictObject({
      /** A headless service signs in as a service principal with a certificate. */
      method: z.literal('client-certificate'),
      tenant: text(256).optional(),
      clientId: text(64).min(1, 'Client id is required for a service principal.'),
      /** The service principal's certificate with its private key (.pfx), base64; kept encrypted like every secret. */
      pfxBase64: text(128 * 1024).min(1),
      pfxPassword: text(1024),
    }),
  ]),
  /** Which roots the stamp's TLS certificates must chain to: the OS store, or the OS store plus the enterprise root CA given here. */
  trust: z.discriminatedUnion('source', [
    z.strictObject({ source: z.literal('system') }),
    z.strictObject({ source: z.literal('pem'), pem }),
  ]),
});

export const stampSettingsInput = stampSettingsInputSchema;

export const stampSchedulerInput = z.strictObject({ isBackupSchedulerEnabled: z.boolean() });

/** DryRun first: a Default prune deletes only when the operator confirmed exactly what a DryRun listed. */
export const stampPruneInput = z.discriminatedUnion('operationType', [
  z.strictObject({ operationType: z.literal('DryRun') }),
  z.strictObject({ operationType: z.literal('Default'), confirmPathsToDelete: z.array(text()).max(10_000) }),
]);

// ───────────────────────────── views ─────────────────────────────

export const stampConnectionView = z.strictObject({
  connected: z.boolean(),
  adminEndpoint: z.string().nullable(),
  region: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  identitySystem: z.enum(['azure-ad', 'adfs']).nullable(),
  loginEndpoint: z.string().nullable(),
  audience: z.string().nullable(),
  tenant: z.string().nullable(),
  signInMethod: z.enum(['device-code', 'client-certificate']).nullable(),
  clientId: z.string().nullable(),
  /** Who is signed in: the operator's user name, or the service principal's client id. */
  account: z.string().nullable(),
  /** SHA-1 thumbprint of the service principal's certificate (its private key is stored encrypted). */
  clientCertificateThumbprint: z.string().nullable(),
  trust: z.enum(['system', 'pem']),
  /** Subjects of the enterprise root CAs added from a PEM file. */
  addedRootCertificates: z.array(z.string()),
});

/** ExternalStore as the console shows it: every field with the API's name, the write-only ones left out. */
export const stampExternalStoreView = z.strictObject({
  path: z.string().nullable(),
  userName: z.string().nullable(),
  encryptionCertThumbprint: z.string().nullable(),
  backupFrequencyInHours: z.number().nullable(),
  availableCapacity: z.string().nullable(),
  isBackupSchedulerEnabled: z.boolean().nullable(),
  nextBackupTime: timestamp.nullable(),
  lastBackupTime: timestamp.nullable(),
  backupRetentionPeriodInDays: z.number().nullable(),
});

export const stampBackupLocationView = z.strictObject({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  externalStoreDefault: stampExternalStoreView,
});

export const stampBackupView = z.strictObject({
  id: z.string(),
  /** The backup's name (a GUID), as Restore-AzsBackup -Name takes it. */
  name: z.string(),
  location: z.string(),
  backupInfo: z.strictObject({
    backupDataVersion: z.string().nullable(),
    roleStatus: z.array(z.strictObject({ roleName: z.string(), status: z.enum(OPERATION_STATUSES).nullable() })),
    status: z.enum(OPERATION_STATUSES).nullable(),
    createdDateTime: timestamp.nullable(),
    timeTakenToCreate: z.string().nullable(),
    deploymentID: z.string().nullable(),
    stampVersion: z.string().nullable(),
    oemVersion: z.string().nullable(),
    isCloudRecoveryReady: z.boolean().nullable(),
    encryptionCertThumbprint: z.string().nullable(),
  }),
  /** Restoring a stamp is cloud recovery, outside this console: the command to run instead. */
  restoreCommand: z.string(),
});

export const STAMP_OPERATION_KINDS = ['configure', 'backup', 'prune'] as const;
export const STAMP_OPERATION_STATES = ['InProgress', 'Succeeded', 'Failed'] as const;

/** A long-running operation the console started on the stamp, as it polled it (the stamp's timeline). */
export const stampOperationView = z.strictObject({
  operationId: z.string(),
  kind: z.enum(STAMP_OPERATION_KINDS),
  state: z.enum(STAMP_OPERATION_STATES),
  startedAt: timestamp,
  /** The last time the console asked the stamp how it went. */
  polledAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  summary: z.string(),
  /** For a backup: its name once the stamp said it. */
  backupName: z.string().nullable(),
  error: apiError.nullable(),
});

export const stampEssentialsView = z.strictObject({
  connection: stampConnectionView,
  backupLocation: stampBackupLocationView,
  lastBackup: stampBackupView.nullable(),
  activeOperation: stampOperationView.nullable(),
});

export const stampPruneResult = z.strictObject({
  operationType: z.enum(PRUNE_OPERATION_TYPES),
  pathsToDelete: z.array(z.string()),
});

// ───────────────────────────── methods and events ─────────────────────────────

const method = <I extends z.ZodType, R extends z.ZodType>(inputSchema: I, result: R) => ({ input: inputSchema, result });
const none = z.undefined();

export const STAMP_CONTRACT = {
  stampGetConnection: method(none, stampConnectionView),
  stampConnect: method(stampConnectInput, stampConnectionView),
  stampDisconnect: method(none, stampConnectionView),
  stampGetEssentials: method(none, stampEssentialsView),
  stampSaveSettings: method(stampSettingsInput, stampBackupLocationView),
  stampSetScheduler: method(stampSchedulerInput, stampBackupLocationView),
  stampStartBackup: method(none, stampOperationView),
  stampListOperations: method(none, z.array(stampOperationView)),
  stampListBackups: method(none, z.array(stampBackupView)),
  stampPrune: method(stampPruneInput, stampPruneResult),
};

export const stampEvents = [
  /** Device code sign-in: what the operator must enter, and where. */
  z.strictObject({
    type: z.literal('stamp-sign-in'),
    userCode: z.string(),
    verificationUri: z.string(),
    message: z.string(),
    expiresAt: timestamp,
  }),
  /** A long-running operation on the stamp started, was polled, or ended. */
  z.strictObject({ type: z.literal('stamp-operation'), operation: stampOperationView }),
] as const;
