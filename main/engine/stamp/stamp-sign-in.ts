/**
 * Signing in to the stamp's identity provider (Azure AD or the stamp's AD FS)
 * with @azure/msal-node: the device code flow for an operator, a client
 * certificate for a headless service principal. msal-node talks through our
 * HTTPS client (so it trusts the same roots as the ARM calls), and keeps its
 * token cache in the console's encrypted secret store, never in a plain file.
 */
import {
  AuthError,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { isEngineError } from '../errors';
import { registerSecret } from '../redact';
import type { IdentitySystem } from './discovery';
import type { HttpsClient } from './https-client';
import { signInFailed } from './stamp-errors';

/** The public client Azure Stack Hub's PowerShell signs operators in with; both Azure AD and a stamp's AD FS know it. */
export const DEFAULT_OPERATOR_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';

/** Where msal-node's serialized cache lives between calls (the secret store, or memory while connecting). */
export interface TokenCacheStore {
  load(): string | null;
  save(serialized: string): void;
}

export interface ClientCertificate {
  privateKeyPem: string;
  /** SHA-256 of the certificate's DER, hex: the client assertion names the certificate by it. */
  thumbprintSha256: string;
  /** The certificate (PEM), sent in the assertion's x5c header so the identity provider can match it. */
  certificatePem: string;
}

export interface SignInTarget {
  identitySystem: IdentitySystem;
  loginEndpoint: string;
  audience: string;
  /** Azure AD: the directory tenant. AD FS: ignored. */
  tenant: string | null;
  clientId: string;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresAt: Date;
}

/** The authority msal-node signs in against: the AD FS endpoint itself, or Azure AD's login endpoint with the tenant. */
export function authorityFor(target: SignInTarget): string {
  const base = target.loginEndpoint.replace(/\/+$/, '');
  if (target.identitySystem === 'adfs') return base;
  if (!target.tenant) throw signInFailed('an Azure AD stamp needs the directory tenant (for example contoso.onmicrosoft.com).');
  return `${base}/${target.tenant}`;
}

export function scopesFor(target: SignInTarget): string[] {
  return [`${target.audience.replace(/\/+$/, '')}/.default`];
}

function networkModule(http: HttpsClient): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await http.send({
      method,
      url,
      ...(options?.headers ? { headers: options.headers } : {}),
      ...(options?.body !== undefined ? { body: options.body } : {}),
    });
    let body: unknown = {};
    try {
      body = response.text.trim() === '' ? {} : JSON.parse(response.text);
    } catch {
      body = { error: 'invalid_response', error_description: `HTTP ${response.status} with a body that is not JSON` };
    }
    return { headers: response.headers, body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

function cachePlugin(store: TokenCacheStore): ICachePlugin {
  return {
    beforeCacheAccess: async (context) => {
      const serialized = store.load();
      if (serialized) context.tokenCache.deserialize(serialized);
    },
    afterCacheAccess: async (context) => {
      if (context.cacheHasChanged) store.save(context.tokenCache.serialize());
    },
  };
}

/** msal's failures in the operator's words; a network or TLS failure of our client stays what it is. */
function explain(error: unknown): unknown {
  if (isEngineError(error)) return error;
  const inner = (error as { cause?: unknown; networkError?: unknown } | null)?.networkError ?? (error as { cause?: unknown } | null)?.cause;
  if (isEngineError(inner)) return inner;
  if (error instanceof InteractionRequiredAuthError)
    return signInFailed('the stored sign-in has expired or was revoked; sign in again.', error);
  if (error instanceof AuthError) {
    const reason = error.errorMessage || error.errorCode;
    return signInFailed(
      `the identity provider refused it (${error.errorCode}${reason && reason !== error.errorCode ? `: ${reason}` : ''}).`,
      error,
    );
  }
  return signInFailed('an unexpected answer from the identity provider.', error);
}

function remember(result: AuthenticationResult | null): string {
  if (!result?.accessToken) throw signInFailed('the identity provider returned no access token.');
  registerSecret(result.accessToken);
  return result.accessToken;
}

/**
 * Tokens for the stamp's admin endpoint. `accessToken(false)` answers from the
 * cache while the token is fresh, refreshing it (refresh token, or a new
 * client assertion) when it is about to expire; `accessToken(true)` refreshes
 * regardless — the ARM client asks for that once after a 401.
 */
export class StampSignIn {
  private readonly app: PublicClientApplication | ConfidentialClientApplication;

  constructor(
    private readonly target: SignInTarget,
    http: HttpsClient,
    cache: TokenCacheStore,
    private readonly certificate: ClientCertificate | null,
    private readonly homeAccountId: string | null = null,
  ) {
    const authority = authorityFor(target);
    const config: Configuration = {
      auth: {
        clientId: target.clientId,
        authority,
        // Our own list: no instance discovery against the public cloud (a disconnected stamp has none).
        knownAuthorities: [new URL(authority).host],
        ...(certificate
          ? {
              clientCertificate: {
                thumbprintSha256: certificate.thumbprintSha256,
                privateKey: certificate.privateKeyPem,
                x5c: certificate.certificatePem,
              },
            }
          : {}),
      },
      cache: { cachePlugin: cachePlugin(cache) },
      system: { networkClient: networkModule(http) },
    };
    this.app = certificate ? new ConfidentialClientApplication(config) : new PublicClientApplication(config);
  }

  /** Device code flow: `onPrompt` shows the code; resolves once the operator signed in on another device. */
  async signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal?: AbortSignal): Promise<AccountInfo> {
    if (!(this.app instanceof PublicClientApplication)) throw signInFailed('a service principal signs in with its certificate.');
    const request = {
      scopes: scopesFor(this.target),
      cancel: false,
      deviceCodeCallback: (response: { userCode: string; verificationUri: string; message: string; expiresIn: number }) =>
        onPrompt({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          message: response.message,
          expiresAt: new Date(Date.now() + response.expiresIn * 1000),
        }),
    };
    const cancel = () => (request.cancel = true);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const result = await this.app.acquireTokenByDeviceCode(request);
      remember(result);
      if (!result?.account) throw signInFailed('the identity provider did not say who signed in.');
      return result.account;
    } catch (error) {
      throw explain(error);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  async accessToken(forceRefresh: boolean): Promise<string> {
    try {
      if (this.app instanceof ConfidentialClientApplication) {
        return remember(await this.app.acquireTokenByClientCredential({ scopes: scopesFor(this.target), skipCache: forceRefresh }));
      }
      const account = await this.account();
      return remember(await this.app.acquireTokenSilent({ account, scopes: scopesFor(this.target), forceRefresh }));
    } catch (error) {
      throw explain(error);
    }
  }

  private async account(): Promise<AccountInfo> {
    const accounts = await this.app.getTokenCache().getAllAccounts();
    const account = accounts.find((candidate) => candidate.homeAccountId === this.homeAccountId) ?? accounts[0];
    if (!account) throw signInFailed('no stored sign-in for this stamp; sign in again.');
    return account;
  }
}
