import { request as httpsRequest, Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { EngineError } from '../errors';
import { STAMP_FAILURE_REMEDIATION } from './stamp-errors';

export interface HttpsRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpsResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** One HTTPS round trip with the stamp's trust roots. Both the ARM client and msal-node (through its network module) use it. */
export interface HttpsClient {
  send(request: HttpsRequest, signal?: AbortSignal): Promise<HttpsResponse>;
}

/** No answer of the admin API or an identity provider comes near this; past it the answer is refused, not buffered. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** A stamp that accepts the connection but never answers must not hold a job forever. */
const RESPONSE_TIMEOUT_MS = 120_000;

/** TLS verification failures: the stamp's chain does not lead to a root this console trusts. */
const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
]);

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** A network failure in the operator's words; the errno and the TLS code stay in the technical cause. */
export function networkFailure(url: string, error: unknown): EngineError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const host = new URL(url).host;
  if (UNTRUSTED_CODES.has(code)) {
    return new EngineError({
      code: 'stamp',
      category: 'authentication',
      message: `The certificate of ${host} is not trusted: it does not chain to a root certificate this console trusts.`,
      remediation:
        "Add the enterprise root CA that issued the stamp's certificates (a PEM file) when connecting, or install it in the station's certificate store.",
      cause: error,
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new EngineError({
      code: 'stamp',
      category: 'authentication',
      message: `The certificate of ${host} is not valid for it (${code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'another name' : 'outside its validity period'}).`,
      remediation: 'Check the endpoint address (use the name the certificate was issued for) and the stamp’s certificates.',
      cause: error,
    });
  }
  return new EngineError({
    code: 'stamp',
    category: 'connectivity',
    message: `${host} cannot be reached${code ? ` (${code})` : ''}.`,
    remediation: STAMP_FAILURE_REMEDIATION.connectivity,
    cause: error,
  });
}

/** Whether a failure is worth another try: the network, not the certificate. */
export function isTransientNetworkFailure(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'stamp' && error.category === 'connectivity';
}

/**
 * An HTTPS client that trusts exactly the given roots (the station's store,
 * plus an enterprise root CA the operator added), with keep-alive, a bounded
 * answer and a response deadline.
 */
export function createHttpsClient(trustedRoots: readonly string[]): HttpsClient & { close(): void } {
  const agent = new Agent({ keepAlive: true, ca: [...trustedRoots], maxSockets: 4 });
  return {
    close: () => agent.destroy(),
    send: (request, signal) =>
      new Promise<HttpsResponse>((resolve, reject) => {
        const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
        const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
        if (body) headers['content-length'] = String(body.length);
        let req: ReturnType<typeof httpsRequest>;
        try {
          req = httpsRequest(request.url, { method: request.method, agent, headers, ...(signal ? { signal } : {}) });
        } catch (error) {
          reject(networkFailure(request.url, error));
          return;
        }
        req.setTimeout(RESPONSE_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('response timeout'), { code: 'ETIMEDOUT' })));
        req.on('error', (error) => reject(networkFailure(request.url, error)));
        req.on('response', (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              response.destroy(Object.assign(new Error('response too large'), { code: 'ERESPONSETOOLARGE' }));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', (error) => reject(networkFailure(request.url, error)));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: flatten(response.headers), text: Buffer.concat(chunks).toString('utf8') }),
          );
        });
        req.end(body);
      }),
  };
}
