/**
 * A stamp's admin Resource Manager for Microsoft.Backup.Admin 2018-09-01,
 * built from the spec and its examples (common/contract/stamp-api.ts says
 * which files): requests are validated with the console's own schemas of the
 * spec (a wrong type, an unknown or read-only field, a wrong api-version, an
 * unknown location is refused as ARM refuses it); answers have the examples'
 * shape and values; long-running operations answer 202 and then, polled
 * through Location or Azure-AsyncOperation, succeed or fail as the test
 * scripts them. Scripted faults (5xx, 429 with Retry-After, 401) fire on the
 * requests they match, and the test checks they did.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  BACKUP_LOCATION_TYPE,
  BACKUP_TYPE,
  DEFAULT_PROVIDER_SUBSCRIPTION,
  METADATA_API_VERSION,
  STAMP_API_VERSION,
  backupLocationRequest,
  pruneOptionRequest,
} from '../../../common/contract/stamp-api';
import type { IdentityProvider } from './identity-provider';

export interface MockAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Fault {
  method?: string;
  /** Matches when the request path contains this. */
  pathIncludes?: string;
  status: number;
  retryAfter?: string;
  /** How many matching requests it answers; default 1. */
  times?: number;
  /** How many it answered so far. */
  fired?: number;
}

export interface LroScript {
  protocol: 'location' | 'async-operation';
  /** Polls answered "still running" before the operation ends. */
  pollsBeforeDone: number;
  retryAfterSeconds: number;
  backupOutcome: 'Succeeded' | 'Failed';
  /** BackupLocations_Update: 'accepted' answers 202 and is polled; 'ok' answers 200 at once. */
  update: 'accepted' | 'ok';
}

export interface RecordedRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  status: number;
  body: unknown;
}

interface ExternalStoreState {
  path: string | null;
  userName: string | null;
  password: string | null;
  encryptionCertThumbprint: string | null;
  backupFrequencyInHours: number | null;
  availableCapacity: string | null;
  isBackupSchedulerEnabled: boolean | null;
  nextBackupTime: string | null;
  lastBackupTime: string | null;
  backupRetentionPeriodInDays: number | null;
}

interface BackupState {
  name: string;
  status: string;
  createdDateTime: string;
  roleStatus: Array<{ roleName: string; status: string }>;
  isCloudRecoveryReady: boolean;
  encryptionCertThumbprint: string | null;
}

interface PendingOperation {
  pollsLeft: number;
  /** Computed once: Azure-AsyncOperation says how it ended, then Location gives the result. */
  outcome?: ReturnType<PendingOperation['finish']>;
  protocol: LroScript['protocol'];
  retryAfterSeconds: number;
  finish: () => { ok: true; answer: MockAnswer } | { ok: false; code: string; message: string; answer: MockAnswer };
}

/** The roles of examples/BackupLocations/Backup.json. */
export const EXAMPLE_ROLES = [
  'NRP',
  'SRP',
  'CRP',
  'KeyVaultInternalControlPlane',
  'KeyVaultInternalDataPlane',
  'KeyVaultControlPlane',
  'KeyVaultDataPlane',
  'KeyVaultNamingService',
  'WAS',
  'ECE',
  'Domain',
  'CA',
  'ACS',
];
export const EXAMPLE_BACKUP_NAME = '64e8625a-8dc0-49df-a195-932901b4be81';
export const EXAMPLE_THUMBPRINT = 'BDB07F879C1F1A05B74EB43AEAF5E5B5F84DCEA8';
/** examples/BackupLocations/Prune.json's DryRun answer. */
export const EXAMPLE_PRUNABLE = [
  'masbackup/progressivebackup/1.2011.0.23/BackupEncryptionCert.cer',
  'masbackup/progressivebackup/1.2011.0.23/BackupEncryptionCert.pfx',
];

const armError = (status: number, code: string, message: string, headers?: Record<string, string>): MockAnswer => ({
  status,
  body: { error: { code, message } },
  ...(headers ? { headers } : {}),
});

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body';
}

export class AdminApi {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly lro: LroScript = {
    protocol: 'location',
    pollsBeforeDone: 1,
    retryAfterSeconds: 0,
    backupOutcome: 'Succeeded',
    update: 'accepted',
  };
  /** Every token is refused (an account without rights, a token for another audience). */
  rejectEveryToken = false;
  store: ExternalStoreState;
  backups: BackupState[];
  prunable = [...EXAMPLE_PRUNABLE];
  readonly subscriptionId = '11111111-2222-3333-4444-555555555555';
  private readonly operations = new Map<string, PendingOperation>();

  constructor(
    private readonly identity: IdentityProvider,
    readonly region: string,
    configured: boolean,
  ) {
    // examples/BackupLocations/Get.json, or a stamp where backup was never configured.
    this.store = {
      path: configured ? '\\\\su1fileserver\\SU1_Infrastructure_2\\BackupStore' : null,
      userName: configured ? 'azurestack\\azurestackadmin' : null,
      password: configured ? 'password' : null,
      encryptionCertThumbprint: configured ? EXAMPLE_THUMBPRINT : null,
      backupFrequencyInHours: configured ? 10 : null,
      availableCapacity: configured ? '29.6 TB' : null,
      isBackupSchedulerEnabled: false,
      nextBackupTime: configured ? '2018-08-28T17:26:00.9454387Z' : null,
      lastBackupTime: configured ? '2018-08-28T07:47:11.3081476Z' : null,
      backupRetentionPeriodInDays: configured ? 6 : null,
    };
    this.backups = configured
      ? [
          {
            name: EXAMPLE_BACKUP_NAME,
            status: 'Succeeded',
            createdDateTime: '2018-08-28T07:47:11.3081476Z',
            roleStatus: EXAMPLE_ROLES.map((roleName) => ({ roleName, status: 'Succeeded' })),
            isCloudRecoveryReady: true,
            encryptionCertThumbprint: EXAMPLE_THUMBPRINT,
          },
        ]
      : [];
  }

  /** The password the stamp holds (the mock keeps it to show it was sent; the API never returns it). */
  get storedPassword(): string | null {
    return this.store.password;
  }

  private locationId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/System.${this.region}/providers/Microsoft.Backup.Admin/backupLocations/${this.region}`;
  }

  handle(method: string, url: URL, bearer: string | null, rawBody: string, origin: string): MockAnswer {
    const answer = this.route(method, url, bearer, rawBody, origin);
    let body: unknown = null;
    try {
      body = rawBody ? JSON.parse(rawBody) : null;
    } catch {
      body = rawBody;
    }
    this.requests.push({ method, path: url.pathname, apiVersion: url.searchParams.get('api-version'), status: answer.status, body });
    return answer;
  }

  private route(method: string, url: URL, bearer: string | null, rawBody: string, origin: string): MockAnswer {
    const path = url.pathname;
    const apiVersion = url.searchParams.get('api-version');
    if (method === 'GET' && path === '/metadata/endpoints') {
      if (apiVersion !== METADATA_API_VERSION)
        return armError(400, 'InvalidApiVersionParameter', `api-version ${apiVersion} is not supported`);
      return {
        status: 200,
        body: {
          galleryEndpoint: `${origin}:30015/`,
          graphEndpoint: this.identity.kind === 'adfs' ? `${origin}/graph/` : 'https://graph.windows.net/',
          portalEndpoint: `${origin}/portal/`,
          authentication: { loginEndpoint: this.identity.loginEndpoint(), audiences: [this.identity.audience] },
        },
      };
    }
    const fault = this.faults.find(
      (candidate) =>
        (candidate.fired ?? 0) < (candidate.times ?? 1) &&
        (!candidate.method || candidate.method === method) &&
        (!candidate.pathIncludes || path.includes(candidate.pathIncludes)),
    );
    if (fault) {
      fault.fired = (fault.fired ?? 0) + 1;
      return armError(
        fault.status,
        fault.status === 429 ? 'TooManyRequests' : fault.status === 401 ? 'InvalidAuthenticationToken' : 'InternalServerError',
        `scripted fault ${fault.status}`,
        fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : undefined,
      );
    }
    const authProblem = this.authenticate(bearer);
    if (authProblem) return authProblem;

    if (method === 'GET' && path === '/subscriptions') {
      return {
        status: 200,
        body: {
          value: [
            {
              id: `/subscriptions/${this.subscriptionId}`,
              subscriptionId: this.subscriptionId,
              displayName: DEFAULT_PROVIDER_SUBSCRIPTION,
              state: 'Enabled',
            },
          ],
        },
      };
    }
    if (apiVersion !== STAMP_API_VERSION)
      return armError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The supported versions are '${STAMP_API_VERSION}'.`,
      );

    const operation = path.match(
      /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Backup\.Admin\/locations\/([^/]+)\/(operationResults|asyncOperations)\/([^/]+)$/i,
    );
    if (operation && method === 'GET') return this.poll(operation[4] ?? '', operation[3] === 'asyncOperations');

    const match = path.match(
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Backup\.Admin\/backupLocations(?:\/([^/]+)(?:\/(createBackup|pruneExternalStore|backups)(?:\/([^/]+))?)?)?$/i,
    );
    if (!match) return armError(404, 'NotFound', `No route for ${method} ${path}`);
    const [, subscription, resourceGroup, location, action, backup] = match;
    if (subscription !== this.subscriptionId)
      return armError(404, 'SubscriptionNotFound', `The subscription '${subscription}' could not be found.`);
    if (resourceGroup?.toLowerCase() !== `system.${this.region}`.toLowerCase())
      return armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
    if (location === undefined) {
      if (method !== 'GET') return armError(405, 'MethodNotAllowed', `${method} is not allowed`);
      return { status: 200, body: { value: [this.locationResource()] } };
    }
    if (location.toLowerCase() !== this.region.toLowerCase())
      return armError(404, 'ResourceNotFound', `The backup location '${location}' was not found.`);
    if (action === undefined) {
      if (method === 'GET') return { status: 200, body: this.locationResource() };
      if (method === 'PUT') return this.update(rawBody, origin);
      return armError(405, 'MethodNotAllowed', `${method} is not allowed`);
    }
    if (action === 'createBackup' && method === 'POST') return this.createBackup(origin);
    if (action === 'pruneExternalStore' && method === 'POST') return this.prune(rawBody, origin);
    if (action === 'backups' && method === 'GET') {
      if (backup === undefined)
        return { status: 200, body: { value: this.backups.map((b) => this.backupResource(b, false)), nextLink: null } };
      const found = this.backups.find((candidate) => candidate.name === backup);
      return found
        ? { status: 200, body: this.backupResource(found, false) }
        : armError(404, 'ResourceNotFound', `Backup '${backup}' was not found.`);
    }
    return armError(405, 'MethodNotAllowed', `${method} ${action ?? ''} is not allowed`);
  }

  private authenticate(bearer: string | null): MockAnswer | null {
    const challenge = { 'www-authenticate': `Bearer authorization_uri="${this.identity.loginEndpoint()}", error="invalid_token"` };
    if (!bearer) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", challenge);
    if (this.rejectEveryToken)
      return armError(
        401,
        'InvalidAuthenticationTokenAudience',
        'The access token has been obtained for wrong audience or resource.',
        challenge,
      );
    const state = this.identity.check(bearer);
    if (state === 'valid') return null;
    if (state === 'expired')
      return armError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.', challenge);
    return armError(401, 'InvalidAuthenticationToken', `The access token is invalid (${state}).`, challenge);
  }

  private parseBody<S extends z.ZodType>(
    schema: S,
    rawBody: string,
    required: boolean,
  ): { ok: true; value: z.output<S> | undefined } | { ok: false; answer: MockAnswer } {
    if (rawBody.trim() === '') {
      return required
        ? { ok: false, answer: armError(400, 'InvalidRequestContent', 'The request content is required.') }
        : { ok: true, value: undefined };
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { ok: false, answer: armError(400, 'InvalidRequestContent', 'The request content is not valid JSON.') };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      return { ok: false, answer: armError(400, 'InvalidRequestContent', `The request content is invalid: ${zodMessage(parsed.error)}.`) };
    return { ok: true, value: parsed.data };
  }

  private locationResource(): object {
    const { password: _password, ...shown } = this.store;
    return {
      id: this.locationId(),
      name: this.region,
      type: BACKUP_LOCATION_TYPE,
      location: this.region,
      tags: {},
      // Write-only fields come back null, as in the examples.
      properties: { externalStoreDefault: { ...shown, password: null, encryptionCertBase64: null } },
    };
  }

  private backupResource(backup: BackupState, fromCreate: boolean): object {
    return {
      id: `/subscriptions/${this.subscriptionId}/resourceGroups/System.${this.region}/providers/Microsoft.Backup.Admin/backupLocations/${this.region}/backups/${backup.name}`,
      // Backups_List names a backup by its GUID; CreateBackup's answer by "{location}/{GUID}" (examples).
      name: fromCreate ? `${this.region}/${backup.name}` : backup.name,
      type: BACKUP_TYPE,
      location: this.region,
      tags: {},
      properties: {
        backupInfo: {
          backupDataVersion: '1.0.1',
          roleStatus: backup.roleStatus,
          status: backup.status,
          createdDateTime: backup.createdDateTime,
          timeTakenToCreate: backup.status === 'Creating' ? null : 'PT20M48.5970829S',
          stampVersion: '1.1809.0.25',
          oemVersion: null,
          isCloudRecoveryReady: backup.isCloudRecoveryReady,
          deploymentID: 'd3236bc0-6a46-4877-a9da-6fe69e9661df',
          encryptionCertThumbprint: backup.encryptionCertThumbprint,
        },
      },
    };
  }

  private accept(origin: string, finish: PendingOperation['finish'], body?: unknown): MockAnswer {
    const id = randomUUID();
    this.operations.set(id, {
      pollsLeft: this.lro.pollsBeforeDone,
      protocol: this.lro.protocol,
      retryAfterSeconds: this.lro.retryAfterSeconds,
      finish,
    });
    const base = `${origin}/subscriptions/${this.subscriptionId}/providers/Microsoft.Backup.Admin/locations/${this.region}`;
    const headers: Record<string, string> = {
      location: `${base}/operationResults/${id}?api-version=${STAMP_API_VERSION}`,
      'retry-after': String(this.lro.retryAfterSeconds),
    };
    if (this.lro.protocol === 'async-operation')
      headers['azure-asyncoperation'] = `${base}/asyncOperations/${id}?api-version=${STAMP_API_VERSION}`;
    return { status: 202, headers, ...(body !== undefined ? { body } : {}) };
  }

  private poll(id: string, asyncOperation: boolean): MockAnswer {
    const operation = this.operations.get(id);
    if (!operation) return armError(404, 'OperationNotFound', `Operation '${id}' was not found.`);
    const retry = { 'retry-after': String(operation.retryAfterSeconds) };
    if (operation.pollsLeft > 0) {
      operation.pollsLeft -= 1;
      return asyncOperation ? { status: 200, headers: retry, body: { status: 'InProgress' } } : { status: 202, headers: retry };
    }
    operation.outcome ??= operation.finish();
    const outcome = operation.outcome;
    if (asyncOperation) {
      return outcome.ok
        ? { status: 200, body: { status: 'Succeeded' } }
        : { status: 200, body: { status: 'Failed', error: { code: outcome.code, message: outcome.message } } };
    }
    return outcome.answer;
  }

  private update(rawBody: string, origin: string): MockAnswer {
    const parsed = this.parseBody(backupLocationRequest, rawBody, true);
    if (!parsed.ok) return parsed.answer;
    const fields = parsed.value?.properties.externalStoreDefault ?? {};
    const { encryptionCertBase64, ...rest } = fields;
    let thumbprint = this.store.encryptionCertThumbprint;
    if (encryptionCertBase64 !== undefined) {
      const der = Buffer.from(encryptionCertBase64, 'base64');
      if (der.length === 0 || der[0] !== 0x30)
        return armError(400, 'InvalidEncryptionCertificate', 'encryptionCertBase64 is not a DER certificate.');
      thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
    }
    const apply = () => {
      Object.assign(this.store, rest, { encryptionCertThumbprint: thumbprint });
      if (this.store.availableCapacity === null) this.store.availableCapacity = '29.6 TB';
    };
    if (this.lro.update === 'ok') {
      apply();
      return { status: 200, body: this.locationResource() };
    }
    return this.accept(
      origin,
      () => {
        apply();
        return { ok: true, answer: { status: 200, body: this.locationResource() } };
      },
      this.locationResource(),
    );
  }

  private createBackup(origin: string): MockAnswer {
    const backup: BackupState = {
      name: randomUUID(),
      status: 'Creating',
      createdDateTime: new Date().toISOString(),
      roleStatus: EXAMPLE_ROLES.map((roleName) => ({ roleName, status: 'Running' })),
      isCloudRecoveryReady: false,
      encryptionCertThumbprint: this.store.encryptionCertThumbprint,
    };
    this.backups.push(backup);
    const outcome = this.lro.backupOutcome;
    return this.accept(
      origin,
      () => {
        backup.status = outcome;
        backup.roleStatus = EXAMPLE_ROLES.map((roleName) => ({
          roleName,
          status: outcome === 'Failed' && roleName === 'KeyVaultDataPlane' ? 'Failed' : 'Succeeded',
        }));
        backup.isCloudRecoveryReady = outcome === 'Succeeded';
        if (outcome === 'Succeeded') this.store.lastBackupTime = backup.createdDateTime;
        const answer = { status: 200, body: this.backupResource(backup, true) };
        return outcome === 'Succeeded'
          ? { ok: true, answer }
          : { ok: false, code: 'BackupFailed', message: 'The backup of role KeyVaultDataPlane failed.', answer };
      },
      this.backupResource(backup, true),
    );
  }

  private prune(rawBody: string, origin: string): MockAnswer {
    const parsed = this.parseBody(pruneOptionRequest, rawBody, false);
    if (!parsed.ok) return parsed.answer;
    const listed = [...this.prunable];
    if ((parsed.value?.operationType ?? 'Default') === 'DryRun') return { status: 200, body: { properties: { pathsToDelete: listed } } };
    return this.accept(origin, () => {
      this.prunable = this.prunable.filter((path) => !listed.includes(path));
      return { ok: true, answer: { status: 200, body: { properties: { pathsToDelete: listed } } } };
    });
  }
}
