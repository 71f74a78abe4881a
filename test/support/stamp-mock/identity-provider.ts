/**
 * An identity provider shaped like Azure AD (v2.0 endpoints under
 * /{tenant}/) or like a stamp's AD FS (under /adfs/), enough for msal-node:
 * the OpenID discovery document, the device code endpoint, and the token
 * endpoint for the device code, refresh token and client credentials (a
 * certificate-signed client assertion, verified) grants. Access tokens are
 * opaque and remembered, so the admin endpoint can tell a valid one, an
 * expired one and a revoked one apart.
 */
import { X509Certificate, createHash, createSign, generateKeyPairSync, randomBytes, randomUUID, verify, constants } from 'node:crypto';

export type IdentityKind = 'azure-ad' | 'adfs';

export interface IssuedToken {
  token: string;
  subject: string;
  audience: string;
  expiresAt: number;
  revoked: boolean;
  grant: string;
}

export interface TokenRequestRecord {
  grantType: string;
  clientId: string;
  outcome: 'issued' | 'pending' | 'refused';
}

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  approved: boolean;
  expiresAt: number;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export class IdentityProvider {
  readonly issued: IssuedToken[] = [];
  readonly tokenRequests: TokenRequestRecord[] = [];
  /** Lifetime of the access tokens issued from now on (msal refreshes within 5 minutes of expiry). */
  accessTokenLifetimeSeconds = 3600;
  /** Device codes are approved as soon as they are asked for (an operator who signs in at once). */
  autoApprove = true;
  /** The user who "signs in" with a device code. */
  user = 'operator@contoso.onmicrosoft.com';
  private readonly deviceCodes: DeviceCode[] = [];
  private readonly refreshTokens = new Map<string, { subject: string; clientId: string; scope: string }>();
  /** Service principals: client id → certificate (PEM). */
  private readonly servicePrincipals = new Map<string, X509Certificate>();
  private readonly signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  private readonly tenantId = randomUUID();
  private readonly userObjectId = randomUUID();

  constructor(
    readonly kind: IdentityKind,
    private readonly origin: () => string,
    readonly tenant: string,
    readonly audience: string,
  ) {}

  /** Where the stamp's metadata says to sign in. */
  loginEndpoint(): string {
    return this.kind === 'adfs' ? `${this.origin()}/adfs/` : `${this.origin()}/`;
  }

  private base(): string {
    return this.kind === 'adfs' ? `${this.origin()}/adfs` : `${this.origin()}/${this.tenant}`;
  }

  private tokenEndpoint(): string {
    return this.kind === 'adfs' ? `${this.base()}/oauth2/token` : `${this.base()}/oauth2/v2.0/token`;
  }

  registerServicePrincipal(clientId: string, certificateDer: Buffer): void {
    this.servicePrincipals.set(clientId, new X509Certificate(certificateDer));
  }

  /** Approves the pending device code with this user code (the operator signed in on another device). */
  approve(userCode: string): void {
    const code = this.deviceCodes.find((candidate) => candidate.userCode === userCode);
    if (!code) throw new Error(`no device code ${userCode}`);
    code.approved = true;
  }

  pendingUserCodes(): string[] {
    return this.deviceCodes.filter((code) => !code.approved).map((code) => code.userCode);
  }

  /** The admin endpoint's question: is this bearer token one we issued, for this audience, unexpired and not revoked? */
  check(token: string): 'valid' | 'expired' | 'revoked' | 'unknown' | 'wrong-audience' {
    const found = this.issued.find((candidate) => candidate.token === token);
    if (!found) return 'unknown';
    if (found.revoked) return 'revoked';
    if (found.expiresAt <= Date.now()) return 'expired';
    return found.audience === this.audience ? 'valid' : 'wrong-audience';
  }

  /** Every access token issued so far stops working (refresh tokens still do). */
  revokeAccessTokens(): void {
    for (const token of this.issued) token.revoked = true;
  }

  /** Answers the identity provider's routes; null when the path is not one of them. */
  handle(method: string, path: string, form: URLSearchParams): { status: number; body: unknown } | null {
    const base = new URL(this.base()).pathname;
    if (
      method === 'GET' &&
      (path === `${base}/.well-known/openid-configuration` || path === `${base}/v2.0/.well-known/openid-configuration`)
    )
      return { status: 200, body: this.discovery() };
    const deviceCodePath = this.kind === 'adfs' ? `${base}/oauth2/devicecode` : `${base}/oauth2/v2.0/devicecode`;
    if (method === 'POST' && path === deviceCodePath) return this.deviceCode(form);
    if (method === 'POST' && path === new URL(this.tokenEndpoint()).pathname) return this.token(form);
    return null;
  }

  private discovery(): object {
    const base = this.base();
    const v2 = this.kind === 'adfs' ? '' : '/v2.0';
    return {
      issuer: this.kind === 'adfs' ? base : `${base}${v2}`,
      authorization_endpoint: `${base}/oauth2${v2}/authorize`,
      token_endpoint: this.tokenEndpoint(),
      device_authorization_endpoint: `${base}/oauth2${v2}/devicecode`,
      end_session_endpoint: `${base}/oauth2${v2}/logout`,
      jwks_uri: `${base}/discovery${v2}/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
      scopes_supported: ['openid', 'profile', 'offline_access'],
    };
  }

  private deviceCode(form: URLSearchParams): { status: number; body: unknown } {
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    if (!scope.includes(`${this.audience.replace(/\/$/, '')}/.default`))
      return { status: 400, body: { error: 'invalid_scope', error_description: `unknown resource in scope "${scope}"` } };
    const code: DeviceCode = {
      deviceCode: base64url(randomBytes(24)),
      userCode: randomBytes(5).toString('hex').toUpperCase().slice(0, 9),
      clientId,
      scope,
      approved: this.autoApprove,
      expiresAt: Date.now() + 900_000,
    };
    this.deviceCodes.push(code);
    const verificationUri = `${this.origin()}/devicelogin`;
    return {
      status: 200,
      body: {
        user_code: code.userCode,
        device_code: code.deviceCode,
        verification_uri: verificationUri,
        expires_in: 900,
        interval: 1,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${code.userCode} to authenticate.`,
      },
    };
  }

  private token(form: URLSearchParams): { status: number; body: unknown } {
    const grantType = form.get('grant_type') ?? '';
    const clientId = form.get('client_id') ?? '';
    const record = (outcome: TokenRequestRecord['outcome']) => this.tokenRequests.push({ grantType, clientId, outcome });
    const refuse = (error: string, description: string, status = 400) => {
      record('refused');
      return { status, body: { error, error_description: description, error_codes: [70000] } };
    };
    if (grantType === 'device_code' || grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
      const code = this.deviceCodes.find((candidate) => candidate.deviceCode === form.get('device_code'));
      if (!code || code.clientId !== clientId) return refuse('invalid_grant', 'unknown device code');
      if (code.expiresAt < Date.now()) return refuse('expired_token', 'the device code expired');
      if (!code.approved) {
        record('pending');
        return { status: 400, body: { error: 'authorization_pending', error_description: 'The user has not yet signed in.' } };
      }
      this.deviceCodes.splice(this.deviceCodes.indexOf(code), 1);
      record('issued');
      return { status: 200, body: this.userTokens(clientId, code.scope, 'device_code') };
    }
    if (grantType === 'refresh_token') {
      const stored = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!stored || stored.clientId !== clientId) return refuse('invalid_grant', 'The refresh token is not valid.');
      this.refreshTokens.delete(form.get('refresh_token') ?? '');
      record('issued');
      return { status: 200, body: this.userTokens(clientId, form.get('scope') ?? stored.scope, 'refresh_token') };
    }
    if (grantType === 'client_credentials') {
      const problem = this.checkAssertion(clientId, form);
      if (problem) return refuse('invalid_client', problem, 401);
      const scope = form.get('scope') ?? '';
      if (!scope.includes(`${this.audience.replace(/\/$/, '')}/.default`))
        return refuse('invalid_scope', `unknown resource in scope "${scope}"`);
      record('issued');
      const access = this.issue(clientId, 'client_credentials');
      return {
        status: 200,
        body: {
          token_type: 'Bearer',
          expires_in: this.accessTokenLifetimeSeconds,
          ext_expires_in: this.accessTokenLifetimeSeconds,
          access_token: access,
        },
      };
    }
    return refuse('unsupported_grant_type', `grant type "${grantType}" is not supported`);
  }

  /** RFC 7523 client assertion, as msal-node makes it: PS256, x5t#S256 of the registered certificate, iss = sub = client id, aud = token endpoint. */
  private checkAssertion(clientId: string, form: URLSearchParams): string | null {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return 'client_assertion_type is missing';
    const certificate = this.servicePrincipals.get(clientId);
    if (!certificate) return `no service principal ${clientId}`;
    const [header64, payload64, signature64] = (form.get('client_assertion') ?? '').split('.');
    if (!header64 || !payload64 || !signature64) return 'client_assertion is not a JWT';
    const header = JSON.parse(Buffer.from(header64, 'base64url').toString('utf8')) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(payload64, 'base64url').toString('utf8')) as Record<string, unknown>;
    const expectedX5t = base64url(createHash('sha256').update(certificate.raw).digest());
    if (header['x5t#S256'] !== expectedX5t) return 'the assertion names another certificate';
    const data = Buffer.from(`${header64}.${payload64}`);
    const signature = Buffer.from(signature64, 'base64url');
    const ok =
      header.alg === 'PS256'
        ? verify('sha256', data, { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
        : header.alg === 'RS256' && verify('sha256', data, certificate.publicKey, signature);
    if (!ok) return 'the assertion signature does not verify with the registered certificate';
    if (payload.iss !== clientId || payload.sub !== clientId) return 'iss/sub is not the client id';
    if (payload.aud !== this.tokenEndpoint()) return `aud ${String(payload.aud)} is not the token endpoint`;
    if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return 'the assertion expired';
    return null;
  }

  private issue(subject: string, grant: string): string {
    const token = base64url(randomBytes(32));
    this.issued.push({
      token,
      subject,
      audience: this.audience,
      expiresAt: Date.now() + this.accessTokenLifetimeSeconds * 1000,
      revoked: false,
      grant,
    });
    return token;
  }

  private userTokens(clientId: string, scope: string, grant: string): object {
    const access = this.issue(this.user, grant);
    const refresh = base64url(randomBytes(32));
    this.refreshTokens.set(refresh, { subject: this.user, clientId, scope });
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: clientId,
      iss: this.kind === 'adfs' ? this.base() : `${this.base()}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      sub: createHash('sha256').update(this.user).digest('base64url'),
      oid: this.userObjectId,
      name: 'Backup Operator',
      ...(this.kind === 'adfs'
        ? { upn: this.user, unique_name: this.user }
        : { tid: this.tenantId, preferred_username: this.user, ver: '2.0' }),
    };
    return {
      token_type: 'Bearer',
      scope: `${this.audience.replace(/\/$/, '')}/.default`,
      expires_in: this.accessTokenLifetimeSeconds,
      ext_expires_in: this.accessTokenLifetimeSeconds,
      access_token: access,
      refresh_token: refresh,
      id_token: this.jwt(claims),
      ...(this.kind === 'azure-ad' ? { client_info: base64url(JSON.stringify({ uid: this.userObjectId, utid: this.tenantId })) } : {}),
    };
  }

  private jwt(claims: Record<string, unknown>): string {
    const head = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'mock' }));
    const body = base64url(JSON.stringify(claims));
    const signature = createSign('sha256').update(`${head}.${body}`).sign(this.signingKey);
    return `${head}.${body}.${base64url(signature)}`;
  }
}
