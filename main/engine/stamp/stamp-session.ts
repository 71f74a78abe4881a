/**
 * A live connection to a stamp: the HTTPS client with the stamp's trust
 * roots, the sign-in, the ARM client and the backup admin operations, built
 * from what `stamp.json` and the secret store hold.
 */
import type { Logger } from '../app/logger';
import type { SecretStore } from '../secrets/secret-store';
import { registerSecret } from '../redact';
import { ArmClient, type RetryPolicy, type StampTiming } from './arm-client';
import { BackupAdmin } from './backup-admin';
import { createHttpsClient, type HttpsClient } from './https-client';
import { STAMP_SECRET_NAMES, type StoredConnection } from './stamp-connection-file';
import { notConnected } from './stamp-errors';
import type { StampSignIn, TokenCacheStore } from './stamp-sign-in';
import { trustedRoots } from './trust-roots';

export interface SessionOptions {
  logger: Logger;
  timing: StampTiming;
  retry?: RetryPolicy;
  /** Where the station's certificate store is looked up (SSL_CERT_FILE, SSL_CERT_DIR on Linux). */
  env: NodeJS.ProcessEnv;
}

export interface StampSession {
  http: HttpsClient;
  signIn: StampSignIn;
  arm: ArmClient;
  admin: BackupAdmin;
  close(): void;
}

export function secretTokenCache(secrets: SecretStore): TokenCacheStore {
  return {
    load: () => secrets.get(STAMP_SECRET_NAMES.tokenCache),
    save: (serialized) => secrets.set(STAMP_SECRET_NAMES.tokenCache, serialized),
  };
}

export async function httpsClientFor(trust: StoredConnection['trust'], env: NodeJS.ProcessEnv): Promise<HttpsClient & { close(): void }> {
  return createHttpsClient(await trustedRoots(trust.source === 'pem' ? [trust.pem] : [], env));
}

export function clientFor(
  http: HttpsClient,
  signIn: StampSignIn,
  connection: Pick<StoredConnection, 'adminEndpoint' | 'subscriptionId' | 'region'>,
  options: SessionOptions,
) {
  const arm = new ArmClient({
    endpoint: connection.adminEndpoint,
    http,
    tokens: signIn,
    timing: options.timing,
    logger: options.logger,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return { arm, admin: new BackupAdmin(arm, { subscriptionId: connection.subscriptionId, region: connection.region }) };
}

/**
 * Signing in (stamp-sign-in.ts with @azure/msal-node, ~200 modules), loaded when a stamp session
 * opens: a fresh process that never signs in does not read it (README § Performance).
 */
export function loadStampSignIn(): Promise<typeof import('./stamp-sign-in')> {
  return import('./stamp-sign-in');
}

export async function openSession(connection: StoredConnection, secrets: SecretStore, options: SessionOptions): Promise<StampSession> {
  const http = await httpsClientFor(connection.trust, options.env);
  let certificate = null;
  if (connection.clientCertificate) {
    const privateKeyPem = secrets.get(STAMP_SECRET_NAMES.clientKey);
    if (!privateKeyPem) throw notConnected();
    registerSecret(privateKeyPem);
    certificate = {
      privateKeyPem,
      thumbprintSha256: connection.clientCertificate.thumbprintSha256,
      certificatePem: connection.clientCertificate.certificatePem,
    };
  }
  const { StampSignIn } = await loadStampSignIn();
  const signIn = new StampSignIn(
    {
      identitySystem: connection.identitySystem,
      loginEndpoint: connection.loginEndpoint,
      audience: connection.audience,
      tenant: connection.tenant,
      clientId: connection.clientId,
    },
    http,
    secretTokenCache(secrets),
    certificate,
    connection.homeAccountId,
  );
  const { arm, admin } = clientFor(http, signIn, connection, options);
  return { http, signIn, arm, admin, close: () => http.close() };
}
