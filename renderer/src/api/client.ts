import type { ApiError, ApiEvent, ApiInput, ApiMethod, ApiOutput, ApiResult, PickedFile, PickFileKind } from '../../../preload/api';

/** How a call reaches the engine: Electron IPC through the preload, or HTTP to the web host. */
export interface Transport {
  readonly kind: 'desktop' | 'web';
  call(method: ApiMethod, input: unknown): Promise<ApiResult<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Native file dialogs exist only on the desktop; the web uses <input type=file>. */
  pickFile?(kind: PickFileKind): Promise<ApiResult<PickedFile | null>>;
  saveFile?(suggestedName: string, base64: string): Promise<ApiResult<boolean>>;
  pickFolder?(): Promise<ApiResult<string | null>>;
}

/** A typed ApiError thrown by the client, so stores can show message, remediation and field. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly remediation: string;
  readonly field: string | undefined;
  readonly category: ApiError['category'];

  constructor(readonly apiError: ApiError) {
    super(apiError.message);
    this.code = apiError.code;
    this.remediation = apiError.remediation;
    this.field = apiError.field;
    this.category = apiError.category;
  }
}

/** Anything a call can throw, as the one error type the renderer shows. */
export function asApiError(caught: unknown): ApiCallError {
  if (caught instanceof ApiCallError) return caught;
  return new ApiCallError({
    code: 'internal',
    message: `The console could not reach its engine (${caught instanceof Error ? caught.message : String(caught)}).`,
    remediation: 'Check that the console is still running, then reload the page.',
  });
}

export function unwrap<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value;
}

export type Connection = 'connected' | 'unreachable';

/** The one client the stores use, whatever the transport. */
export class ApiClient {
  private readonly connectionListeners = new Set<(connection: Connection) => void>();

  constructor(readonly transport: Transport) {}

  get kind(): Transport['kind'] {
    return this.transport.kind;
  }

  async call<M extends ApiMethod>(method: M, ...input: ApiInput<M> extends undefined ? [] : [ApiInput<M>]): Promise<ApiOutput<M>> {
    let result: ApiResult<ApiOutput<M>>;
    try {
      result = (await this.transport.call(method, input[0])) as ApiResult<ApiOutput<M>>;
    } catch (caught) {
      // The transport itself failed (network, engine gone): not an answer from the engine.
      this.report('unreachable');
      throw asApiError(caught);
    }
    this.report('connected');
    return unwrap(result);
  }

  onEvent(listener: (event: ApiEvent) => void): () => void {
    return this.transport.subscribe(listener);
  }

  /** Told whether the last call reached the engine (for the header's connection status). */
  onConnection(listener: (connection: Connection) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  get hasNativeDialogs(): boolean {
    return this.transport.pickFile !== undefined;
  }

  async pickFile(kind: PickFileKind): Promise<PickedFile | null> {
    if (!this.transport.pickFile) return null;
    return unwrap(await this.transport.pickFile(kind));
  }

  async saveFile(suggestedName: string, base64: string): Promise<boolean> {
    if (!this.transport.saveFile) return false;
    return unwrap(await this.transport.saveFile(suggestedName, base64));
  }

  async pickFolder(): Promise<string | null> {
    if (!this.transport.pickFolder) return null;
    return unwrap(await this.transport.pickFolder());
  }

  private report(connection: Connection): void {
    for (const listener of this.connectionListeners) listener(connection);
  }
}
