import { createPinia, setActivePinia } from 'pinia';
import type { ApiError, ApiEvent, ApiInput, ApiMethod, ApiOutput, ApiResult } from '../../../preload/api';
import { ApiClient, type Transport } from '../../../renderer/src/api/client';
import { installApi } from '../../../renderer/src/api';

type Handler<M extends ApiMethod> = (input: ApiInput<M>) => ApiOutput<M> | Promise<ApiOutput<M>>;

/** An engine stand-in for store tests: scripted answers per method, every call recorded, events on demand. */
export class FakeTransport implements Transport {
  readonly kind = 'web' as const;
  readonly calls: Array<{ method: ApiMethod; input: unknown }> = [];
  private readonly handlers = new Map<ApiMethod, (input: unknown) => unknown>();
  private readonly failures = new Map<ApiMethod, ApiError>();
  private readonly listeners = new Set<(event: ApiEvent) => void>();

  answer<M extends ApiMethod>(method: M, handler: Handler<M>): this {
    this.failures.delete(method);
    this.handlers.set(method, handler as (input: unknown) => unknown);
    return this;
  }

  fail(method: ApiMethod, error: Partial<ApiError> & Pick<ApiError, 'code'>): this {
    this.failures.set(method, { message: `${method} failed`, remediation: 'Try again.', ...error });
    return this;
  }

  async call(method: ApiMethod, input: unknown): Promise<ApiResult<unknown>> {
    this.calls.push({ method, input });
    const failure = this.failures.get(method);
    if (failure) return { ok: false, error: failure };
    const handler = this.handlers.get(method);
    if (!handler) throw new Error(`the fake engine has no answer for ${method}`);
    return { ok: true, value: await handler(input) };
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ApiEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  inputsOf<M extends ApiMethod>(method: M): Array<ApiInput<M>> {
    return this.calls.filter((call) => call.method === method).map((call) => call.input as ApiInput<M>);
  }
}

/** A fresh Pinia and a client over a fresh fake engine, for one test. */
export function freshStores(): FakeTransport {
  setActivePinia(createPinia());
  const transport = new FakeTransport();
  installApi(new ApiClient(transport));
  return transport;
}
