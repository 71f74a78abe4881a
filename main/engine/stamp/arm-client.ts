/**
 * The stamp's admin Resource Manager, as ARM clients speak to it: a bearer
 * token on every call (refreshed once after a 401, then a typed
 * authentication error), transient failures retried (5xx and network
 * failures with exponential back-off, 429 after the Retry-After the stamp
 * asks for), and long-running operations followed to their end (202, then
 * Azure-AsyncOperation or Location polled at the stamp's Retry-After).
 */
import type { z } from 'zod';
import { armErrorBody, asyncOperationStatus } from '../../../common/contract/stamp-api';
import type { Logger } from '../app/logger';
import { EngineError, invalidInput } from '../errors';
import { isTransientNetworkFailure, type HttpsClient, type HttpsResponse } from './https-client';
import { operationFailed, stampFailure } from './stamp-errors';

/** How the client waits between tries and polls; tests record the waits instead of sleeping them. */
export interface StampTiming {
  wait(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTiming: StampTiming = {
  // A referenced timer: a CLI waiting for `stamp backup --wait` must stay alive while it waits.
  wait: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

function cancelled(): EngineError {
  return new EngineError({
    code: 'cancelled',
    message: 'The request to the stamp was cancelled.',
    remediation: 'Run it again when needed.',
  });
}

export interface RetryPolicy {
  /** Tries after the first for 5xx answers and network failures. */
  maxRetries: number;
  /** First back-off; doubled after each try. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429 answers waited out before giving up. */
  maxThrottleWaits: number;
  /** When a 429 or 202 carries no Retry-After. */
  defaultRetryAfterMs: number;
  /** The longest Retry-After honoured (a stamp asking for an hour gets this). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxThrottleWaits: 8,
  defaultRetryAfterMs: 10_000,
  maxRetryAfterMs: 300_000,
};

export interface TokenSource {
  accessToken(forceRefresh: boolean): Promise<string>;
}

export interface ArmClientDeps {
  endpoint: string;
  http: HttpsClient;
  tokens: TokenSource;
  timing: StampTiming;
  logger: Logger;
  retry?: RetryPolicy;
}

/** Retry-After in seconds or as an HTTP date → milliseconds (null when absent or unreadable). */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | null {
  const value = headers['retry-after'];
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function armMessage(response: HttpsResponse): string {
  try {
    const parsed = armErrorBody.parse(JSON.parse(response.text));
    const error = parsed.error;
    if (error?.message) return error.code ? `${error.message} (${error.code})` : error.message;
    if (error?.code) return error.code;
  } catch {
    // Not an ARM error document: the status says it.
  }
  return `HTTP ${response.status}`;
}

export function parseJson<S extends z.ZodType>(schema: S, response: HttpsResponse, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch (error) {
    throw stampFailure('general', `The stamp answered ${what} with something that is not JSON.`, error);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw stampFailure('general', `The stamp's answer to ${what} does not have the shape of the API (2018-09-01).`, parsed.error);
  return parsed.data;
}

/** A long-running operation the stamp accepted: where to ask how it goes. */
export interface AcceptedOperation {
  /** Azure-AsyncOperation, else Location. */
  pollUrl: string;
  /** Location, for the final result once an Azure-AsyncOperation says Succeeded. */
  resultUrl: string | null;
  /** The status document kind: 'async-operation' (status field) or 'location' (202 until done). */
  protocol: 'async-operation' | 'location';
  retryAfterMs: number | null;
}

export type PollOutcome = { done: false; retryAfterMs: number | null } | { done: true; response: HttpsResponse | null };

export class ArmClient {
  private readonly endpoint: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: ArmClientDeps) {
    this.endpoint = deps.endpoint.replace(/\/+$/, '');
    this.retry = deps.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** `/subscriptions/…` with the api-version, or an absolute URL the stamp gave (same origin only: the token never leaves the stamp). */
  url(pathOrUrl: string, apiVersion: string | null): string {
    if (/^https:\/\//i.test(pathOrUrl)) {
      if (new URL(pathOrUrl).origin !== new URL(this.endpoint).origin)
        throw stampFailure(
          'general',
          `The stamp pointed to ${new URL(pathOrUrl).origin} to follow an operation, which is not its admin endpoint.`,
        );
      return pathOrUrl;
    }
    if (apiVersion === null) return `${this.endpoint}${pathOrUrl}`;
    return `${this.endpoint}${pathOrUrl}${pathOrUrl.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
  }

  /**
   * One request with everything around it: the token, one refresh after a
   * 401, retries of 5xx and network failures, waits for 429. Returns the
   * answer that ended it (2xx, or a 4xx other than 401/429); throws for the
   * rest.
   */
  async send(method: 'GET' | 'PUT' | 'POST', url: string, body: unknown, signal?: AbortSignal): Promise<HttpsResponse> {
    let refreshed = false;
    let retries = 0;
    let throttleWaits = 0;
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const token = await this.deps.tokens.accessToken(refreshed);
      let response: HttpsResponse;
      try {
        response = await this.deps.http.send(
          {
            method,
            url,
            headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          },
          signal,
        );
      } catch (error) {
        if (signal?.aborted) throw cancelled();
        if (!isTransientNetworkFailure(error) || retries >= this.retry.maxRetries) throw error;
        retries += 1;
        const delay = this.backoff(retries);
        this.deps.logger.warn({ url, retry: retries, delayMs: delay, err: error }, 'stamp request failed; retrying');
        await this.deps.timing.wait(delay, signal);
        continue;
      }
      const { status } = response;
      if (status === 401) {
        if (!refreshed) {
          refreshed = true;
          this.deps.logger.info({ url }, 'stamp answered 401; refreshing the token once');
          continue;
        }
        throw stampFailure(
          'authentication',
          `The stamp refused the sign-in (HTTP 401) after a fresh token: ${armMessage(response)}.`,
          response.text,
        );
      }
      if (status === 403)
        throw stampFailure(
          'authentication',
          `The signed-in account may not do this on the stamp (HTTP 403): ${armMessage(response)}.`,
          response.text,
        );
      if (status === 429) {
        if (throttleWaits >= this.retry.maxThrottleWaits)
          throw stampFailure(
            'general',
            `The stamp kept throttling the console's requests (HTTP 429, ${throttleWaits + 1} times).`,
            response.text,
          );
        throttleWaits += 1;
        const delay = Math.min(retryAfterMs(response.headers) ?? this.retry.defaultRetryAfterMs, this.retry.maxRetryAfterMs);
        this.deps.logger.info({ url, delayMs: delay }, 'stamp throttled the request; waiting as it asked');
        await this.deps.timing.wait(delay, signal);
        continue;
      }
      if (status >= 500) {
        if (retries >= this.retry.maxRetries)
          throw stampFailure(
            'general',
            `The stamp failed to answer (HTTP ${status}, ${retries + 1} tries): ${armMessage(response)}.`,
            response.text,
          );
        retries += 1;
        const asked = retryAfterMs(response.headers);
        const delay = asked === null ? this.backoff(retries) : Math.min(asked, this.retry.maxRetryAfterMs);
        this.deps.logger.warn({ url, status, retry: retries, delayMs: delay }, 'stamp answered a server error; retrying');
        await this.deps.timing.wait(delay, signal);
        continue;
      }
      return response;
    }
  }

  /** A call that must answer 200 (or 201), parsed with the API's schema. */
  async call<S extends z.ZodType>(
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    apiVersion: string,
    schema: S,
    what: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const response = await this.send(method, this.url(path, apiVersion), body, signal);
    if (response.status !== 200 && response.status !== 201) throw this.refused(response, what);
    return parseJson(schema, response, what);
  }

  /** Starts a long-running operation: either it ended at once (200/201/204), or the stamp accepted it (202) and says where to poll. */
  async start(
    method: 'PUT' | 'POST',
    path: string,
    apiVersion: string,
    what: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<{ finished: HttpsResponse } | { accepted: AcceptedOperation; response: HttpsResponse }> {
    const response = await this.send(method, this.url(path, apiVersion), body, signal);
    if (response.status === 200 || response.status === 201 || response.status === 204) return { finished: response };
    if (response.status !== 202) throw this.refused(response, what);
    const asyncOperation = response.headers['azure-asyncoperation'] ?? null;
    const location = response.headers['location'] ?? null;
    const pollUrl = asyncOperation ?? location;
    if (!pollUrl) throw stampFailure('general', `The stamp accepted ${what} (202) without saying where to follow it (no Location header).`);
    return {
      response,
      accepted: {
        pollUrl: this.url(new URL(pollUrl, this.endpoint).toString(), null),
        resultUrl: asyncOperation && location ? this.url(new URL(location, this.endpoint).toString(), null) : null,
        protocol: asyncOperation ? 'async-operation' : 'location',
        retryAfterMs: retryAfterMs(response.headers),
      },
    };
  }

  /** Asks once how an accepted operation goes. A failed operation throws 'operation-failed' with the stamp's reason. */
  async poll(operation: AcceptedOperation, what: string, signal?: AbortSignal): Promise<PollOutcome> {
    const response = await this.send('GET', operation.pollUrl, undefined, signal);
    if (operation.protocol === 'location') {
      if (response.status === 202) return { done: false, retryAfterMs: retryAfterMs(response.headers) };
      if (response.status === 200 || response.status === 201) return { done: true, response };
      if (response.status === 204) return { done: true, response: null };
      throw operationFailed(what, armMessage(response), response.text);
    }
    if (response.status !== 200 && response.status !== 202) throw this.refused(response, what);
    const status = parseJson(asyncOperationStatus, response, what);
    switch (status.status.toLowerCase()) {
      case 'succeeded': {
        if (!operation.resultUrl) return { done: true, response: null };
        const result = await this.send('GET', operation.resultUrl, undefined, signal);
        if (result.status === 200 || result.status === 201) return { done: true, response: result };
        if (result.status === 204 || result.status === 202) return { done: true, response: null };
        throw operationFailed(what, armMessage(result), result.text);
      }
      case 'failed':
      case 'canceled':
      case 'cancelled':
        throw operationFailed(
          what,
          status.error?.message
            ? `${status.error.message}${status.error.code ? ` (${status.error.code})` : ''}`
            : `it ended ${status.status}`,
          response.text,
        );
      default:
        return { done: false, retryAfterMs: retryAfterMs(response.headers) };
    }
  }

  /** Polls until the operation ends, waiting as long as the stamp asks between polls. */
  async waitFor(
    operation: AcceptedOperation,
    what: string,
    onPoll?: () => Promise<unknown>,
    signal?: AbortSignal,
  ): Promise<HttpsResponse | null> {
    let delay = operation.retryAfterMs;
    for (;;) {
      await this.deps.timing.wait(Math.min(delay ?? this.retry.defaultRetryAfterMs, this.retry.maxRetryAfterMs), signal);
      const outcome = await this.poll(operation, what, signal);
      await onPoll?.();
      if (outcome.done) return outcome.response;
      delay = outcome.retryAfterMs;
    }
  }

  /** A final answer that is not success, in the operator's words. */
  refused(response: HttpsResponse, what: string): EngineError {
    const detail = armMessage(response);
    if (response.status === 404)
      return stampFailure('path', `The stamp does not know the resource for ${what} (HTTP 404): ${detail}.`, response.text);
    if (response.status === 400 || response.status === 422)
      return invalidInput('input', `The stamp refused ${what}: ${detail}.`, 'Correct the value the stamp names and try again.');
    if (response.status === 409) return stampFailure('general', `The stamp cannot do ${what} now (HTTP 409): ${detail}.`, response.text);
    return stampFailure('general', `The stamp answered ${what} with HTTP ${response.status}: ${detail}.`, response.text);
  }

  private backoff(retry: number): number {
    return Math.min(this.retry.baseDelayMs * 2 ** (retry - 1), this.retry.maxDelayMs);
  }
}
