import { describe, expect, it } from 'vitest';
import { ApiCallError, ApiClient, asApiError, type Connection } from '../../../renderer/src/api/client';
import { FakeTransport } from './fake-transport';

describe('api client', () => {
  it('turns an engine error into the one typed error, and a dead transport into "engine not reachable"', async () => {
    const transport = new FakeTransport().fail('getSettings', { code: 'not-configured', message: 'Backup is not configured yet.' });
    const client = new ApiClient(transport);
    const seen: Connection[] = [];
    client.onConnection((connection) => seen.push(connection));
    await expect(client.call('getSettings')).rejects.toMatchObject({ code: 'not-configured', message: 'Backup is not configured yet.' });
    transport.call = () => Promise.reject(new TypeError('Failed to fetch'));
    const error = await client.call('getSettings').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).message).toContain('could not reach its engine');
    expect(seen).toEqual(['connected', 'unreachable']);
  });

  it('asApiError passes typed errors through and wraps anything else', () => {
    const typed = new ApiCallError({ code: 'share', message: 'm', remediation: 'r' });
    expect(asApiError(typed)).toBe(typed);
    expect(asApiError('boom').code).toBe('internal');
  });
});
