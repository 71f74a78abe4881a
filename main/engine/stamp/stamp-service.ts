/**
 * The stamp method group of the contract: connect to an Azure Stack Hub
 * stamp, show and change its backup configuration, start its backups and
 * follow them, list them, prune its external store. The stamp owns its backup
 * (its format, its scheduler, its retention); the console drives it through
 * the admin API and keeps a record of the operations it started.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ApiEvent,
  StampBackupLocationView,
  StampBackupView,
  StampConnectInput,
  StampConnectionView,
  StampEssentialsView,
  StampOperationView,
  StampPruneInput,
  StampPruneResult,
} from '../../../preload/api';
import type { StampSettingsInput } from '../../../common/stamp-settings';
import { validateStampSettingsInput } from '../../../common/stamp-settings';
import {
  backupLocation,
  backupResource,
  pruneList,
  type BackupLocationRequest,
  type ExternalStoreRequest,
} from '../../../common/contract/stamp-api';
import type { Logger } from '../app/logger';
import { openPfx } from '../certificates/open-pfx';
import { parseCertificate, sha1Thumbprint } from '../certificates/inspect-certificate';
import { EngineError, invalidInput, isEngineError, toEngineError } from '../errors';
import { registerSecret } from '../redact';
import type { SecretStore } from '../secrets/secret-store';
import { parseJson, realTiming, type AcceptedOperation, type RetryPolicy, type StampTiming } from './arm-client';
import { findDefaultProviderSubscription, type Started } from './backup-admin';
import { discoverEndpoints, regionFromEndpoint } from './discovery';
import type { HttpsResponse } from './https-client';
import { STAMP_FILE_NAME, STAMP_SECRET_NAMES, stampConnectionFile, type StoredConnection } from './stamp-connection-file';
import { notConnected, operationFailed } from './stamp-errors';
import { StampOperationLog } from './stamp-operation-log';
import { clientFor, httpsClientFor, loadStampSignIn, openSession, type SessionOptions, type StampSession } from './stamp-session';
import type { ClientCertificate, StampSignIn } from './stamp-sign-in';
import { parseAddedRoots } from './trust-roots';
import { backupLocationView, backupName, backupView, newestFirst } from './stamp-views';

export interface StampServiceDeps {
  configDir: string;
  now: () => Date;
  logger: Logger;
  secrets: SecretStore;
  publish: (event: ApiEvent) => void;
  /** Waits between retries and polls (tests record them instead of sleeping). */
  timing?: StampTiming;
  retry?: RetryPolicy;
  /** Where the station's certificate store is looked up; default the process environment. */
  env?: NodeJS.ProcessEnv;
}

const DISCONNECTED: StampConnectionView = {
  connected: false,
  adminEndpoint: null,
  region: null,
  subscriptionId: null,
  identitySystem: null,
  loginEndpoint: null,
  audience: null,
  tenant: null,
  signInMethod: null,
  clientId: null,
  account: null,
  clientCertificateThumbprint: null,
  trust: 'system',
  addedRootCertificates: [],
};

function connectionView(connection: StoredConnection | null): StampConnectionView {
  if (!connection) return DISCONNECTED;
  return {
    connected: true,
    adminEndpoint: connection.adminEndpoint,
    region: connection.region,
    subscriptionId: connection.subscriptionId,
    identitySystem: connection.identitySystem,
    loginEndpoint: connection.loginEndpoint,
    audience: connection.audience,
    tenant: connection.tenant,
    signInMethod: connection.signInMethod,
    clientId: connection.clientId,
    account: connection.account,
    clientCertificateThumbprint: connection.clientCertificate?.thumbprint ?? null,
    trust: connection.trust.source,
    addedRootCertificates: connection.trust.source === 'pem' ? connection.trust.subjects : [],
  };
}

/** msal-node's cache while a sign-in is not yet accepted: it reaches the secret store only when connecting succeeded. */
function memoryCache() {
  let value: string | null = null;
  return { load: () => value, save: (serialized: string) => (value = serialized), current: () => value };
}

function isCancelled(error: unknown): boolean {
  return isEngineError(error) && error.code === 'cancelled';
}

export class StampService {
  private readonly file;
  private readonly log: StampOperationLog;
  private readonly options: SessionOptions;
  private session: StampSession | null = null;
  private opening: Promise<StampSession> | null = null;
  private connecting: AbortController | null = null;
  private readonly polls = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: StampServiceDeps) {
    const onInvalid = (notice: string) => deps.logger.warn(notice);
    this.file = stampConnectionFile(deps.configDir, onInvalid, deps.now);
    this.log = new StampOperationLog(
      deps.configDir,
      deps.now,
      (operation) => deps.publish({ type: 'stamp-operation', operation }),
      onInvalid,
    );
    this.options = {
      logger: deps.logger,
      timing: deps.timing ?? realTiming,
      env: deps.env ?? process.env,
      ...(deps.retry ? { retry: deps.retry } : {}),
    };
  }

  // ───────────────────────────── connection ─────────────────────────────

  async getConnection(): Promise<StampConnectionView> {
    return connectionView(await this.file.load());
  }

  /**
   * Discovers the stamp's identity provider, signs in, finds the Default
   * Provider Subscription and reads the backup location to prove access.
   * Only then is anything stored; a failure leaves the previous connection.
   */
  async connect(input: StampConnectInput): Promise<StampConnectionView> {
    this.connecting?.abort();
    const controller = new AbortController();
    this.connecting = controller;
    const signal = controller.signal;
    try {
      const added = input.trust.source === 'pem' ? parseAddedRoots(input.trust.pem) : null;
      const trust: StoredConnection['trust'] = added
        ? { source: 'pem', pem: added.pems.join('\n'), subjects: added.subjects }
        : { source: 'system' };
      const http = await httpsClientFor(trust, this.options.env);
      try {
        const discovered = await discoverEndpoints(http, input.adminEndpoint, signal);
        const region = input.region ?? regionFromEndpoint(discovered.adminEndpoint);
        if (!region)
          throw invalidInput(
            'region',
            `The region cannot be read from ${discovered.adminEndpoint} (it is not adminmanagement.{region}.{fqdn}): give it.`,
            'Add the region name, for example --region local.',
          );
        const tenant = discovered.identitySystem === 'adfs' ? null : (input.signIn.tenant?.trim() ?? '');
        if (tenant === '')
          throw invalidInput(
            'tenant',
            'This stamp signs in with Azure AD: give the directory tenant it was deployed with (for example contoso.onmicrosoft.com).',
          );
        const { DEFAULT_OPERATOR_CLIENT_ID, StampSignIn } = await loadStampSignIn();
        const clientId = input.signIn.clientId?.trim() || DEFAULT_OPERATOR_CLIENT_ID;
        const target = {
          identitySystem: discovered.identitySystem,
          loginEndpoint: discovered.loginEndpoint,
          audience: discovered.audience,
          tenant,
          clientId,
        };
        const cache = memoryCache();
        let account: string;
        let homeAccountId: string | null = null;
        let certificate: (ClientCertificate & { thumbprint: string }) | null = null;
        let signIn: StampSignIn;
        if (input.signIn.method === 'device-code') {
          signIn = new StampSignIn(target, http, cache, null);
          const signedIn = await signIn.signInWithDeviceCode(
            (prompt) =>
              this.deps.publish({
                type: 'stamp-sign-in',
                userCode: prompt.userCode,
                verificationUri: prompt.verificationUri,
                message: prompt.message,
                expiresAt: prompt.expiresAt.toISOString(),
              }),
            signal,
          );
          account = signedIn.username || signedIn.homeAccountId;
          homeAccountId = signedIn.homeAccountId;
        } else {
          certificate = clientCertificateFrom(input.signIn.pfxBase64, input.signIn.pfxPassword);
          signIn = new StampSignIn({ ...target, clientId: input.signIn.clientId }, http, cache, certificate);
          await signIn.accessToken(false);
          account = input.signIn.clientId;
        }
        const probe = clientFor(
          http,
          signIn,
          { adminEndpoint: discovered.adminEndpoint, region, subscriptionId: input.subscriptionId ?? '' },
          this.options,
        );
        const subscriptionId = input.subscriptionId ?? (await findDefaultProviderSubscription(probe.arm, signal));
        const { admin } = clientFor(http, signIn, { adminEndpoint: discovered.adminEndpoint, region, subscriptionId }, this.options);
        await admin.getLocation(signal);

        const connection: StoredConnection = {
          version: 1,
          adminEndpoint: discovered.adminEndpoint,
          region,
          subscriptionId,
          identitySystem: discovered.identitySystem,
          loginEndpoint: discovered.loginEndpoint,
          audience: discovered.audience,
          tenant,
          signInMethod: input.signIn.method,
          clientId: input.signIn.method === 'device-code' ? clientId : input.signIn.clientId,
          account,
          homeAccountId,
          clientCertificate: certificate
            ? {
                thumbprint: certificate.thumbprint,
                thumbprintSha256: certificate.thumbprintSha256,
                certificatePem: certificate.certificatePem,
              }
            : null,
          trust,
        };
        // Secrets before the file that says they exist.
        const tokens = cache.current();
        if (tokens) this.deps.secrets.set(STAMP_SECRET_NAMES.tokenCache, tokens);
        if (certificate) this.deps.secrets.set(STAMP_SECRET_NAMES.clientKey, certificate.privateKeyPem);
        else this.deps.secrets.delete(STAMP_SECRET_NAMES.clientKey);
        const previous = await this.file.load();
        await this.file.save(connection);
        if (previous && (previous.adminEndpoint !== connection.adminEndpoint || previous.region !== connection.region))
          await this.log.clear();
        this.dropSession();
        this.deps.logger.info(
          { endpoint: connection.adminEndpoint, region, identitySystem: connection.identitySystem },
          'connected to the stamp',
        );
        return connectionView(connection);
      } finally {
        http.close();
      }
    } finally {
      if (this.connecting === controller) this.connecting = null;
    }
  }

  /** Forgets the stamp: its sign-in (token cache, a service principal's key), the connection and the operation record. */
  async disconnect(): Promise<StampConnectionView> {
    this.connecting?.abort();
    await this.stopPolls();
    this.dropSession();
    this.deps.secrets.delete(STAMP_SECRET_NAMES.tokenCache);
    this.deps.secrets.delete(STAMP_SECRET_NAMES.clientKey);
    await rm(join(this.deps.configDir, STAMP_FILE_NAME), { force: true });
    await this.log.clear();
    return DISCONNECTED;
  }

  // ───────────────────────────── reading ─────────────────────────────

  async essentials(): Promise<StampEssentialsView> {
    const session = await this.open();
    const connection = await this.file.load();
    const [location, backups] = await Promise.all([session.admin.getLocation(), session.admin.listBackups()]);
    await this.refreshStale(session);
    const operations = await this.log.list();
    const region = session.admin.target.region;
    return {
      connection: connectionView(connection),
      backupLocation: backupLocationView(location, region),
      lastBackup: newestFirst(backups.map((backup) => backupView(backup, region)))[0] ?? null,
      activeOperation: operations.find((operation) => operation.state === 'InProgress') ?? null,
    };
  }

  async listBackups(): Promise<StampBackupView[]> {
    const session = await this.open();
    const region = session.admin.target.region;
    return newestFirst((await session.admin.listBackups()).map((backup) => backupView(backup, region)));
  }

  async listOperations(): Promise<StampOperationView[]> {
    const session = await this.open();
    await this.refreshStale(session);
    return this.log.list();
  }

  // ───────────────────────────── changing ─────────────────────────────

  /** The console's form rules under the API's names, then BackupLocations_Update (PUT) with the writable fields, followed to its end. */
  async saveSettings(input: StampSettingsInput): Promise<StampBackupLocationView> {
    const session = await this.open();
    const current = await session.admin.getLocation();
    const store = current.properties?.externalStoreDefault;
    const errors = validateStampSettingsInput(
      { path: store?.path ?? null, encryptionCertThumbprint: store?.encryptionCertThumbprint ?? null },
      input,
    );
    const first = errors[0];
    if (first) throw invalidInput(first.field, first.message);
    const password = input.password && input.password !== '' ? input.password : undefined;
    registerSecret(password);
    const certificate = input.encryptionCertBase64?.trim()
      ? encryptionCertificateDer(input.encryptionCertBase64, this.deps.now())
      : undefined;
    const fields: ExternalStoreRequest = {
      path: input.path?.trim() ?? store?.path ?? undefined,
      userName: input.userName?.trim() ?? store?.userName ?? undefined,
      password,
      encryptionCertBase64: certificate,
      backupFrequencyInHours: input.backupFrequencyInHours ?? store?.backupFrequencyInHours ?? undefined,
      isBackupSchedulerEnabled: input.isBackupSchedulerEnabled ?? store?.isBackupSchedulerEnabled ?? undefined,
      backupRetentionPeriodInDays: input.backupRetentionPeriodInDays ?? store?.backupRetentionPeriodInDays ?? undefined,
    };
    const externalStoreDefault = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    ) as ExternalStoreRequest;
    const body: BackupLocationRequest = {
      location: current.location ?? session.admin.target.region,
      ...(current.tags ? { tags: current.tags } : {}),
      properties: { externalStoreDefault },
    };
    const changed = Object.keys(input).filter((key) => key !== 'passwordConfirm' && key !== 'password');
    const summary =
      input.isBackupSchedulerEnabled !== undefined && changed.length === 1
        ? `${input.isBackupSchedulerEnabled ? 'Enabling' : 'Disabling'} automatic backups`
        : `Updating the backup configuration (${[...changed, ...(password ? ['password'] : [])].join(', ') || 'no change'})`;
    const operation = await this.log.start('configure', summary, null);
    try {
      const final = await this.follow(
        session,
        operation.operationId,
        await session.admin.startUpdate(body),
        'updating the backup location',
      );
      const updated = final ? parseJson(backupLocation, final, 'updating the backup location') : await session.admin.getLocation();
      await this.log.update(operation.operationId, {
        state: 'Succeeded',
        summary: summary.replace(/^Updating/, 'Updated').replace(/^(En|Dis)abling/, '$1abled'),
      });
      return backupLocationView(updated, session.admin.target.region);
    } catch (error) {
      await this.recordFailure(operation.operationId, error);
      throw error;
    }
  }

  async setScheduler(enabled: boolean): Promise<StampBackupLocationView> {
    return this.saveSettings({ isBackupSchedulerEnabled: enabled });
  }

  /** BackupLocations_CreateBackup: answers once the stamp accepted it; the console keeps polling it and publishes each state. */
  async startBackup(): Promise<StampOperationView> {
    const session = await this.open();
    const operation = await this.log.start('backup', 'Backup requested', null);
    let started: Started;
    try {
      started = await session.admin.startCreateBackup();
    } catch (error) {
      await this.recordFailure(operation.operationId, error);
      throw error;
    }
    if ('finished' in started) return (await this.finishBackup(operation.operationId, started.finished)) ?? operation;
    const accepted = await this.log.update(operation.operationId, { poll: started.accepted, summary: 'Backup running on the stamp' });
    this.pollInBackground(session, operation.operationId, started.accepted);
    return accepted ?? operation;
  }

  /**
   * PruneExternalStore. A DryRun lists what would go; a Default prune runs
   * only when a DryRun made now lists exactly the paths the operator
   * confirmed, so nothing is deleted that the operator did not see.
   */
  async prune(input: StampPruneInput): Promise<StampPruneResult> {
    const session = await this.open();
    const listed = await this.runPrune(session, 'DryRun', null);
    if (input.operationType === 'DryRun') return { operationType: 'DryRun', pathsToDelete: listed };
    const confirmed = new Set(input.confirmPathsToDelete);
    if (listed.length !== confirmed.size || listed.some((path) => !confirmed.has(path))) {
      throw new EngineError({
        code: 'confirmation-required',
        field: 'confirmPathsToDelete',
        message: `A dry run now lists ${listed.length} path(s) to delete, not the ${confirmed.size} confirmed; nothing was deleted.`,
        remediation: 'Run the dry run again, review what it lists, and confirm that list.',
      });
    }
    if (listed.length === 0) return { operationType: 'Default', pathsToDelete: [] };
    const operation = await this.log.start('prune', `Pruning ${listed.length} path(s) from the external store`, null);
    try {
      const deleted = await this.runPrune(session, 'Default', operation.operationId);
      await this.log.update(operation.operationId, {
        state: 'Succeeded',
        summary: `Pruned ${listed.length} path(s) from the external store`,
      });
      return { operationType: 'Default', pathsToDelete: deleted.length > 0 ? deleted : listed };
    } catch (error) {
      await this.recordFailure(operation.operationId, error);
      throw error;
    }
  }

  /** Stops following operations (they stay in progress on the stamp and in the record) and closes the connection. */
  async close(): Promise<void> {
    this.connecting?.abort();
    await this.stopPolls();
    this.dropSession();
  }

  /** Resolves when every operation this console is following has ended (tests, `stamp backup --wait`). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  // ───────────────────────────── inside ─────────────────────────────

  private async open(): Promise<StampSession> {
    if (this.session) return this.session;
    this.opening ??= (async () => {
      const connection = await this.file.load();
      if (!connection) throw notConnected();
      return openSession(connection, this.deps.secrets, this.options);
    })();
    try {
      this.session = await this.opening;
      return this.session;
    } finally {
      this.opening = null;
    }
  }

  private dropSession(): void {
    this.session?.close();
    this.session = null;
  }

  private async stopPolls(): Promise<void> {
    for (const controller of this.polls.values()) controller.abort();
    await this.whenIdle();
  }

  /** Follows a started operation to its end; the record gets where to poll it and each poll's time. */
  private async follow(session: StampSession, operationId: string, started: Started, what: string): Promise<HttpsResponse | null> {
    if ('finished' in started) return started.finished.status === 204 ? null : started.finished;
    await this.log.update(operationId, { poll: started.accepted });
    return session.arm.waitFor(started.accepted, what, () => this.log.update(operationId, { polled: true }));
  }

  private async runPrune(session: StampSession, operationType: 'Default' | 'DryRun', operationId: string | null): Promise<string[]> {
    const what = operationType === 'DryRun' ? 'the prune dry run' : 'pruning the external store';
    const started = await session.admin.startPrune(operationType);
    const final =
      operationId !== null
        ? await this.follow(session, operationId, started, what)
        : 'finished' in started
          ? started.finished
          : await session.arm.waitFor(started.accepted, what);
    if (!final || final.text.trim() === '') return [];
    return parseJson(pruneList, final, what).properties?.pathsToDelete ?? [];
  }

  private pollInBackground(session: StampSession, operationId: string, accepted: AcceptedOperation): void {
    const controller = new AbortController();
    this.polls.set(operationId, controller);
    const run = (async () => {
      try {
        const final = await session.arm.waitFor(
          accepted,
          'the backup',
          () => this.log.update(operationId, { polled: true }),
          controller.signal,
        );
        await this.finishBackup(operationId, final);
      } catch (error) {
        // Cancelled: the console is stopping; the stamp goes on and the record keeps where to ask.
        if (!isCancelled(error)) await this.recordFailure(operationId, error);
      } finally {
        this.polls.delete(operationId);
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** The backup's final answer: a Backup resource whose status says how it went. */
  private async finishBackup(operationId: string, final: HttpsResponse | null): Promise<StampOperationView | null> {
    if (!final || final.text.trim() === '')
      return this.log.update(operationId, { state: 'Succeeded', summary: 'Backup finished on the stamp' });
    const backup = parseJson(backupResource, final, 'the backup');
    const name = backupName(backup);
    const info = backup.properties?.backupInfo;
    const status = info?.status ?? 'Succeeded';
    if (status === 'Succeeded')
      return this.log.update(operationId, { state: 'Succeeded', backupName: name || null, summary: `Backup ${name} succeeded` });
    const failedRoles = (info?.roleStatus ?? []).filter((role) => role.status && role.status !== 'Succeeded').map((role) => role.roleName);
    const error = operationFailed(
      'The backup',
      `backup ${name} ended ${status}${failedRoles.length > 0 ? ` (roles not backed up: ${failedRoles.join(', ')})` : ''}.`,
    );
    return this.log.update(operationId, {
      state: 'Failed',
      backupName: name || null,
      summary: `Backup ${name} ${status}`,
      error: error.toApiError(),
    });
  }

  private async recordFailure(operationId: string, error: unknown): Promise<void> {
    const engineError = toEngineError(error);
    this.deps.logger.warn({ operationId, code: engineError.code, cause: engineError.technicalCause }, engineError.message);
    await this.log.update(operationId, { state: 'Failed', error: engineError.toApiError() });
  }

  /** Operations left in progress by a console that stopped following them: asked once how they went. */
  private async refreshStale(session: StampSession): Promise<void> {
    for (const operation of await this.log.inProgress()) {
      if (this.polls.has(operation.operationId)) continue;
      try {
        const outcome = await session.arm.poll(operation.poll, operation.kind === 'backup' ? 'the backup' : 'the operation');
        if (!outcome.done) {
          await this.log.update(operation.operationId, { polled: true });
          continue;
        }
        if (operation.kind === 'backup') await this.finishBackup(operation.operationId, outcome.response);
        else await this.log.update(operation.operationId, { state: 'Succeeded', polled: true });
      } catch (error) {
        if (isEngineError(error) && error.code === 'operation-failed') await this.recordFailure(operation.operationId, error);
        else this.deps.logger.warn({ err: error, operationId: operation.operationId }, 'could not ask the stamp how an operation went');
      }
    }
  }
}

/** A service principal's .pfx: its private key (kept encrypted) and certificate (named in the client assertion). */
function clientCertificateFrom(pfxBase64: string, password: string): ClientCertificate & { thumbprint: string } {
  registerSecret(password);
  let opened;
  try {
    opened = openPfx(Buffer.from(pfxBase64, 'base64'), password);
  } catch (error) {
    throw invalidInput(
      'pfxPassword',
      isEngineError(error) ? error.message : 'The .pfx file could not be opened.',
      "Give the service principal's .pfx with its password.",
    );
  }
  if (!opened.certificateDer)
    throw invalidInput(
      'pfxBase64',
      'The .pfx holds no certificate matching its key.',
      'Export the service principal certificate with its private key and its certificate.',
    );
  const privateKeyPem = opened.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerSecret(privateKeyPem);
  const der = opened.certificateDer;
  const base64 = der.toString('base64');
  return {
    privateKeyPem,
    thumbprint: sha1Thumbprint(der),
    thumbprintSha256: createHash('sha256').update(der).digest('hex'),
    certificatePem: `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? base64}\n-----END CERTIFICATE-----\n`,
  };
}

/** The encryption certificate as the stamp takes it (DER, base64), after the console's own checks (public key only, RSA ≥ 2048). */
function encryptionCertificateDer(base64: string, now: Date): string {
  try {
    return parseCertificate(Buffer.from(base64.replace(/\s+/g, ''), 'base64'), now).der.toString('base64');
  } catch (error) {
    if (isEngineError(error) && error.field === 'certificate') throw invalidInput('encryptionCertBase64', error.message, error.remediation);
    throw error;
  }
}
