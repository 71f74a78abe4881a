import { request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../../main/web/server';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { dispatch } from '../../../main/engine/dispatch';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';

interface CallReply {
  ok: boolean;
  value?: { name: string; kind: string }[];
  error?: { code: string; field?: string; message: string };
}

describe('command sources are configured on the station only', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let engine: Engine;
  let host: WebHost;
  let session: string;
  const pwned = () => join(temp.path, 'pwned');

  function call(method: string, input: unknown, token = session): Promise<CallReply> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${host.url}api/${method}`,
        { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(JSON.parse(body) as CallReply));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ input }));
    });
  }

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const staticDir = join(temp.path, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    engine = createEngine({ configDir: config, version: 'test', frontDoor: 'web', logger: createLogger({ level: 'silent' }) });
    host = await startWebHost({ engine, staticDir, token: 'sign-in-token-for-this-test' });
    const traded = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${host.url}api/session`,
        { method: 'POST', headers: { Authorization: 'Bearer sign-in-token-for-this-test' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });
    session = (JSON.parse(traded) as { sessionToken: string }).sessionToken;
  });
  afterAll(async () => {
    await host?.close();
    await engine?.close();
    await temp?.remove();
  });

  it('the web host refuses a command source, with or without a folder beside it, and stores nothing', async () => {
    for (const input of [
      { name: 'pwn', command: `id > ${pwned()}` },
      { name: 'pwn', folder: temp.path, command: `id > ${pwned()}` },
      { name: 'pwn', command: `id > ${pwned()}`, timeoutSeconds: 5 },
    ]) {
      const reply = await call('addSource', input);
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe('invalid-input');
    }
    const explained = await call('addSource', { name: 'pwn', folder: temp.path, command: 'id' });
    expect(explained.error?.message).toContain('infra-backup sources add NAME --command CMD');
    expect(existsSync(join(config, 'sources.json'))).toBe(false);
    // Every front door runs the same contract (IPC too): the engine path behind dispatch refuses it as well.
    expect(await dispatch(engine, 'addSource', { name: 'pwn', command: 'id' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('the CLI adds one; the web host lists it read-only, may add and remove folders, and cannot remove it', async () => {
    const added = await cli(['--config-dir', config, 'sources', 'add', 'export', '--command', "printf '%s' exported"]);
    expect(added.code, added.err).toBe(0);
    const listed = await call('listSources', undefined);
    expect(listed.value).toEqual([expect.objectContaining({ name: 'export', kind: 'command' })]);

    const folder = await call('addSource', { name: 'files', folder: temp.path });
    expect(folder.ok).toBe(true);
    const refused = await call('removeSource', { name: 'export' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(refused.error?.message).toContain('managed on the station');
    expect((await call('removeSource', { name: 'files' })).ok).toBe(true);
    expect(JSON.parse(readFileSync(join(config, 'sources.json'), 'utf8'))).toEqual({
      sources: [{ name: 'export', kind: 'command', command: "printf '%s' exported", timeoutSeconds: 600 }],
    });

    const removed = await cli(['--config-dir', config, 'sources', 'remove', 'export']);
    expect(removed.code, removed.err).toBe(0);
    expect(existsSync(pwned())).toBe(false);
  });
});
