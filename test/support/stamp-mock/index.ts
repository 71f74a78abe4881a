/**
 * A mock Azure Stack Hub stamp on a loopback HTTPS port, for tests: the admin
 * Resource Manager's backup API (admin-api.ts) and an identity provider shaped
 * like Azure AD or AD FS (identity-provider.ts), behind a TLS certificate
 * issued by a test enterprise root CA (test-pki.ts) that the console must be
 * told to trust. It was built from the published API spec and its examples,
 * not from a real stamp.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AdminApi } from './admin-api';
import { IdentityProvider, type IdentityKind } from './identity-provider';
import { makeTestPki, type TestPki } from './test-pki';

export { EXAMPLE_BACKUP_NAME, EXAMPLE_PRUNABLE, EXAMPLE_ROLES } from './admin-api';

export interface StampMockOptions {
  identity?: IdentityKind;
  region?: string;
  /** Backup already configured on the stamp (the examples' values), or never configured. */
  configured?: boolean;
  /** Reuse a PKI (making one costs a few RSA keys). */
  pki?: TestPki;
}

export interface StampMock {
  /** https://127.0.0.1:{port}: the admin endpoint (and the identity provider's host). */
  url: string;
  region: string;
  tenant: string;
  pki: TestPki;
  api: AdminApi;
  identity: IdentityProvider;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startStampMock(options: StampMockOptions = {}): Promise<StampMock> {
  const pki = options.pki ?? makeTestPki();
  const region = options.region ?? 'local';
  const kind = options.identity ?? 'adfs';
  const tenant = kind === 'adfs' ? 'adfs' : 'contoso.onmicrosoft.com';
  let origin = '';
  const audience =
    kind === 'adfs'
      ? 'https://adminmanagement.adfs.azurestack.local/2f0a8a8b-5d0c-4cc0-9a53-a1a1f2bd5c31'
      : 'https://adminmanagement.contoso.onmicrosoft.com/4de154de-f8a8-4017-af41-df619da68155';
  const identity = new IdentityProvider(kind, () => origin, tenant, audience);
  const api = new AdminApi(identity, region, options.configured ?? true);

  const server: Server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem }, (request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', origin);
      const method = request.method ?? 'GET';
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const text = body === undefined ? '' : JSON.stringify(body);
        response.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
        response.end(text);
      };
      if (size > MAX_BODY_BYTES) return send(413, { error: { code: 'RequestEntityTooLarge', message: 'too large' } });
      const form = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
        ? new URLSearchParams(raw)
        : new URLSearchParams();
      const signIn = identity.handle(method, url.pathname, form);
      if (signIn) return send(signIn.status, signIn.body);
      const authorization = request.headers.authorization ?? '';
      const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1] ?? null;
      const answer = api.handle(method, url, bearer, raw, origin);
      send(answer.status, answer.body, answer.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    region,
    tenant,
    pki,
    api,
    identity,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
