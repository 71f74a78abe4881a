import type { ApiEvent, ApiMethod, ApiResult } from '../../../preload/api';
import type { Transport } from './client';

/** The web host speaks the same contract: POST /api/<method> {input}, events on /api/events. The token travels as an HttpOnly cookie. */
export function httpTransport(base = ''): Transport {
  return {
    kind: 'web',
    async call(method: ApiMethod, input: unknown): Promise<ApiResult<unknown>> {
      const response = await fetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ input }),
      });
      if (response.status === 401) {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: 'The console session has expired.',
            remediation: 'Open the console again with the URL printed where it was started.',
          },
        };
      }
      if (!response.ok) {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `The console server answered ${response.status}.`,
            remediation: 'Reload the page; if it persists, restart the console.',
          },
        };
      }
      return (await response.json()) as ApiResult<unknown>;
    },
    subscribe(listener: (event: ApiEvent) => void): () => void {
      const source = new EventSource(`${base}/api/events`);
      source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as ApiEvent);
      return () => source.close();
    },
  };
}
