import { ApiClient } from './client';
import { electronTransport } from './electron-transport';
import { httpTransport } from './http-transport';

export { ApiCallError, asApiError } from './client';
export type { ApiClient, Connection } from './client';

let client: ApiClient | null = null;

/** The desktop preload sets window.backupConsole; without it we are served by the web host. */
export function useApi(): ApiClient {
  if (!client) client = new ApiClient(window.backupConsole ? electronTransport(window.backupConsole) : httpTransport());
  return client;
}

/** Puts a client in place before the stores use it: store tests give one over a fake transport. */
export function installApi(next: ApiClient): void {
  client = next;
}
