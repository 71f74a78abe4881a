/**
 * What goes wrong between the console and a stamp, against the mock stamp:
 * a token the stamp refuses (401: one refresh, then a typed authentication
 * error), an expired token refreshed, 5xx retried with back-off, 429 waited
 * out for the Retry-After the stamp asks, a TLS certificate that does not
 * chain to a trusted root, Azure AD with a service principal's certificate
 * and the enterprise root CA from the OS store, an operation left running by
 * a console that stopped.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';
import { createEngine } from '../../../main/engine/service';
import { dispatch } from '../../../main/engine/dispatch';
import { makeTestPki, type TestPki } from '../../support/stamp-mock/test-pki';
import { startStampMock, type StampMock } from '../../support/stamp-mock';
import { makeTempDir } from '../../support/temp-dir';
import { ok, startStampConsole, type StampConsole } from './stamp-console';

const deviceCodeConnect = (stamp: StampMock) =>
  ({
    adminEndpoint: stamp.url,
    region: stamp.region,
    signIn: { method: 'device-code' },
    trust: { source: 'pem', pem: stamp.pki.caPem },
  }) as const;

describe('a stamp that refuses, fails and throttles', () => {
  let pki: TestPki;
  let stamp: StampMock;
  let console_: StampConsole;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    pki = makeTestPki();
    stamp = await startStampMock({ pki });
    console_ = await startStampConsole();
    ok(await console_.call('stampConnect', deviceCodeConnect(stamp)));
  });
  afterEach(async () => {
    stamp.api.rejectEveryToken = false;
    stamp.api.faults.length = 0;
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  afterAll(async () => {
    await console_?.close();
    await stamp?.close();
  });

  it('401: refreshes the token once, then says the stamp refused the sign-in (code stamp, category authentication, exit 3)', async () => {
    stamp.api.rejectEveryToken = true;
    const grantsBefore = stamp.identity.tokenRequests.length;
    const armBefore = stamp.api.requests.length;
    const result = await console_.call('stampListBackups');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'stamp', category: 'authentication' });
      expect(result.error.message).toContain('HTTP 401');
    }
    expect(stamp.api.requests.slice(armBefore).map((request) => request.status)).toEqual([401, 401]);
    expect(stamp.identity.tokenRequests.slice(grantsBefore)).toEqual([
      { grantType: 'refresh_token', clientId: expect.any(String), outcome: 'issued' },
    ]);
  });

  it('a token the stamp no longer accepts (revoked): one refresh, and the call goes through', async () => {
    stamp.identity.revokeAccessTokens();
    const armBefore = stamp.api.requests.length;
    const backups = ok(await console_.call('stampListBackups'));
    expect(backups.length).toBeGreaterThan(0);
    expect(stamp.api.requests.slice(armBefore).map((request) => request.status)).toEqual([401, 200]);
  });

  it('an expired access token is refreshed with the refresh token before the call, without a 401', async () => {
    const local = await startStampConsole();
    cleanups.push(() => local.close());
    // msal-node renews a token that expires within five minutes.
    stamp.identity.accessTokenLifetimeSeconds = 120;
    try {
      ok(await local.call('stampConnect', deviceCodeConnect(stamp)));
    } finally {
      stamp.identity.accessTokenLifetimeSeconds = 3600;
    }
    const grantsBefore = stamp.identity.tokenRequests.length;
    const armBefore = stamp.api.requests.length;
    ok(await local.call('stampListBackups'));
    expect(stamp.identity.tokenRequests.slice(grantsBefore).map((request) => request.grantType)).toEqual(['refresh_token']);
    expect(stamp.api.requests.slice(armBefore).map((request) => request.status)).toEqual([200]);
  });

  it('5xx: retried with exponential back-off until it answers', async () => {
    stamp.api.faults.push({ method: 'GET', pathIncludes: '/backups', status: 503, times: 2 });
    const waitsBefore = console_.waits.length;
    ok(await console_.call('stampListBackups'));
    expect(stamp.api.faults[0]?.fired).toBe(2);
    expect(console_.waits.slice(waitsBefore)).toEqual([1000, 2000]);
  });

  it('5xx that does not stop: five tries, then a typed error naming the status', async () => {
    stamp.api.faults.push({ method: 'GET', pathIncludes: '/backups', status: 500, times: 100 });
    const waitsBefore = console_.waits.length;
    const result = await console_.call('stampListBackups');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'stamp', category: 'general' });
      expect(result.error.message).toContain('HTTP 500, 5 tries');
    }
    expect(stamp.api.faults[0]?.fired).toBe(5);
    expect(console_.waits.slice(waitsBefore)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('429: waits exactly the Retry-After the stamp asks, then goes on', async () => {
    stamp.api.faults.push({ method: 'POST', pathIncludes: '/pruneExternalStore', status: 429, retryAfter: '7', times: 1 });
    const waitsBefore = console_.waits.length;
    const dryRun = ok(await console_.call('stampPrune', { operationType: 'DryRun' }));
    expect(dryRun.operationType).toBe('DryRun');
    expect(stamp.api.faults[0]?.fired).toBe(1);
    expect(console_.waits.slice(waitsBefore)).toEqual([7000]);
  });

  it('a stamp whose certificate chains to a root the console does not trust: refused, and nothing is stored', async () => {
    const local = await startStampConsole();
    cleanups.push(() => local.close());
    const result = await local.call('stampConnect', { ...deviceCodeConnect(stamp), trust: { source: 'pem', pem: pki.otherCaPem } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'stamp', category: 'authentication' });
      expect(result.error.message).toContain('is not trusted');
      expect(result.error.remediation).toContain('enterprise root CA');
    }
    expect(ok(await local.call('stampGetConnection')).connected).toBe(false);
  });

  it('refuses a root CA file that holds a leaf certificate or a private key', async () => {
    const leaf = await console_.call('stampConnect', { ...deviceCodeConnect(stamp), trust: { source: 'pem', pem: pki.serverCertPem } });
    expect(leaf.ok).toBe(false);
    if (!leaf.ok) expect(leaf.error).toMatchObject({ code: 'invalid-input', field: 'trust' });
    const key = await console_.call('stampConnect', {
      ...deviceCodeConnect(stamp),
      trust: { source: 'pem', pem: pki.caPem + pki.serverKeyPem },
    });
    if (!key.ok) expect(key.error.message).toContain('private key');
    else throw new Error('a file with a private key was taken as a root CA');
    // The connection made before is untouched.
    expect(ok(await console_.call('stampGetConnection')).connected).toBe(true);
  });

  it('a backup left running by a console that stopped is found finished by the next one', async () => {
    const temp = await makeTempDir('ibc-stamp-stale-');
    cleanups.push(() => temp.remove());
    const first = createEngine({ configDir: temp.path, version: 'test', frontDoor: 'cli' });
    ok(await dispatch(first, 'stampConnect', deviceCodeConnect(stamp)));
    // A real wait the stamp asks for (300 s at most): the console stops before it is over,
    // and the stamp finishes the backup meanwhile (the next poll says it is done).
    stamp.api.lro.retryAfterSeconds = 3600;
    stamp.api.lro.pollsBeforeDone = 0;
    try {
      const started = ok(await dispatch(first, 'stampStartBackup', undefined));
      expect(started.state).toBe('InProgress');
      await first.close();
    } finally {
      stamp.api.lro.retryAfterSeconds = 0;
      stamp.api.lro.pollsBeforeDone = 1;
    }
    const second = createEngine({ configDir: temp.path, version: 'test', frontDoor: 'cli' });
    cleanups.push(() => second.close());
    const operations = ok(await dispatch(second, 'stampListOperations', undefined));
    expect(operations[0]).toMatchObject({ kind: 'backup', state: 'Succeeded' });
    expect(operations[0]?.backupName).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Azure AD: a service principal with a certificate, the enterprise root CA in the OS store', () => {
  let stamp: StampMock;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let console_: StampConsole;
  const clientId = '0ae3c5a5-1b1d-4f64-bb2f-3c1f36f6f2aa';

  beforeAll(async () => {
    stamp = await startStampMock({ identity: 'azure-ad' });
    temp = await makeTempDir('ibc-stamp-os-store-');
    // The station's store as OpenSSL finds it on Linux: SSL_CERT_FILE, SSL_CERT_DIR.
    const store = join(temp.path, 'certs');
    await mkdir(store);
    await writeFile(join(temp.path, 'ca-certificates.crt'), stamp.pki.caPem);
    console_ = await startStampConsole({ SSL_CERT_FILE: join(temp.path, 'ca-certificates.crt'), SSL_CERT_DIR: store });
  });
  afterAll(async () => {
    await console_?.close();
    await stamp?.close();
    await temp?.remove();
  });

  it('needs the directory tenant for Azure AD', async () => {
    const result = await console_.call('stampConnect', {
      adminEndpoint: stamp.url,
      region: 'local',
      signIn: { method: 'device-code' },
      trust: { source: 'system' },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid-input', field: 'tenant' });
  });

  it('signs in with a client assertion signed by the certificate, keeps the key encrypted, and manages the backup', async () => {
    const certificate = generateSelfSignedCertificate({ dnsName: 'backup-automation.contoso.com', pfxPassword: 'sp pfx password' });
    stamp.identity.registerServicePrincipal(clientId, certificate.cerDer);
    const connection = ok(
      await console_.call('stampConnect', {
        adminEndpoint: stamp.url,
        region: 'local',
        signIn: {
          method: 'client-certificate',
          tenant: stamp.tenant,
          clientId,
          pfxBase64: certificate.pfxDer.toString('base64'),
          pfxPassword: 'sp pfx password',
        },
        trust: { source: 'system' },
      }),
    );
    expect(connection).toMatchObject({
      identitySystem: 'azure-ad',
      tenant: 'contoso.onmicrosoft.com',
      signInMethod: 'client-certificate',
      account: clientId,
      clientCertificateThumbprint: certificate.info.thumbprint,
      trust: 'system',
    });
    expect(stamp.identity.tokenRequests).toEqual([{ grantType: 'client_credentials', clientId, outcome: 'issued' }]);
    const essentials = ok(await console_.call('stampGetEssentials'));
    expect(essentials.connection.account).toBe(clientId);
    // The token goes stale at the stamp: a new assertion, not a refresh token, renews it.
    stamp.identity.revokeAccessTokens();
    ok(await console_.call('stampListBackups'));
    expect(stamp.identity.tokenRequests.map((request) => request.grantType)).toEqual(['client_credentials', 'client_credentials']);
    const { readdir, readFile } = await import('node:fs/promises');
    let text = '';
    for (const name of await readdir(console_.configDir)) text += await readFile(join(console_.configDir, name), 'utf8').catch(() => '');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain('sp pfx password');
  });

  it('refuses a wrong .pfx password naming the field', async () => {
    const certificate = generateSelfSignedCertificate({ dnsName: 'other.contoso.com', pfxPassword: 'right password' });
    const result = await console_.call('stampConnect', {
      adminEndpoint: stamp.url,
      region: 'local',
      signIn: {
        method: 'client-certificate',
        tenant: stamp.tenant,
        clientId,
        pfxBase64: certificate.pfxDer.toString('base64'),
        pfxPassword: 'wrong password',
      },
      trust: { source: 'system' },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid-input', field: 'pfxPassword' });
  });
});
