import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, ApiEvent, ApiMethod, SettingsView } from '../../../preload/api';
import { startEngineProcess, type EngineConnection } from '../../../main/electron/engine-process';
import { createLogger } from '../../../main/engine/app/logger';
import { runEngineHost } from '../../../main/engine/host/engine-host';
import { testCertificate } from '../../support/backup-fixtures';
import { fakeSafeStorage, MessageChannelStandIn, UtilityProcessStandIn } from '../electron/stand-ins';

const PASSWORD = 'Host-Pa55word;%';
let dir: string;
const running: EngineConnection[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-engine-host-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((connection) => connection.shutdown()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Main's real supervisor and the real engine host, joined by in-memory ports
 * in one process (the integration test forks the built entry instead).
 */
function desktop(safeStorage = fakeSafeStorage()) {
  const forker = new UtilityProcessStandIn((port, child) =>
    runEngineHost(port, {
      exit: (code) => child.exit(code),
      logger: createLogger({ level: 'silent' }),
    }),
  );
  const notified: Alert[] = [];
  const waiting: Array<(alert: Alert) => void> = [];
  const notify = (alert: Alert): void => {
    notified.push(alert);
    for (const wake of waiting) wake(alert);
  };
  /** The desktop notification of an alert of this kind, once main shows it. */
  const notificationOf = (kind: Alert['kind']): Promise<Alert> =>
    new Promise((resolve) => {
      const seen = notified.find((alert) => alert.kind === kind);
      if (seen) return resolve(seen);
      waiting.push((alert) => {
        if (alert.kind === kind) resolve(alert);
      });
    });
  const connection = startEngineProcess(
    { utilityProcess: forker, MessageChannelMain: MessageChannelStandIn, safeStorage, notify },
    { entryPath: 'engine-host.js', configDir: dir, version: '0.0.0-test' },
  );
  running.push(connection);
  const events: ApiEvent[] = [];
  connection.onEvent((event) => void events.push(event));
  const call = async <T>(method: ApiMethod, input?: unknown): Promise<T> => {
    const result = await connection.call(method, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as T;
  };
  return { connection, call, events, notificationOf, forker };
}

describe('the engine host behind the protocol', () => {
  it('answers calls with results and typed errors, validating input with the shared schema', async () => {
    const { connection } = desktop();
    expect(await connection.call('getSettings')).toMatchObject({ ok: true, value: { configured: false, passwordSet: false } });
    expect(await connection.call('listBackups')).toMatchObject({
      ok: false,
      error: { code: 'not-configured', message: expect.any(String), remediation: expect.any(String) },
    });
    expect(await connection.call('setAutomaticBackups', { enabled: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'enabled' },
    });
    expect(await connection.call('setAutomaticBackups', { enabled: true, path: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await connection.call('deleteEverything' as ApiMethod)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'method' },
    });
  });

  it('sends engine events to main, and keeps the share password sealed under a key only main can unwrap', async () => {
    const electron = fakeSafeStorage();
    const first = desktop(electron);
    const saved = await first.call<SettingsView>('saveSettings', {
      location: '\\\\fileserver01.contoso.com\\AzSBackups',
      username: 'CONTOSO\\backup',
      password: PASSWORD,
      passwordConfirm: PASSWORD,
      certificateBase64: testCertificate().cerDer.toString('base64'),
    });
    expect(saved.passwordSet).toBe(true);
    expect(first.events.some((event) => event.type === 'settings-changed')).toBe(true);
    // main encrypted one thing: the data key, never the password itself
    expect(electron.encrypted).toHaveLength(1);
    expect(electron.encrypted[0]).not.toContain(PASSWORD);
    const onDisk = readdirSync(dir)
      .map((name) => {
        try {
          return readFileSync(join(dir, name)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('\n');
    expect(onDisk).not.toContain(PASSWORD);
    expect(onDisk).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    await first.connection.shutdown();

    const second = desktop(electron);
    expect(await second.call<SettingsView>('getSettings')).toMatchObject({ configured: true, passwordSet: true });
    expect((await second.call<{ secretStorage: string }>('getAppInfo')).secretStorage).toMatch(/safeStorage, gnome_libsecret/);
  });

  it('has main show a desktop notification for a newly raised alert', async () => {
    const { notificationOf, call } = desktop(fakeSafeStorage('basic_text'));
    // basic_text is no keyring: the engine falls back to the key file and raises an alert about it
    expect((await call<{ notices: string[] }>('getAppInfo')).notices.join(' ')).toMatch(/key file/);
    expect(await notificationOf('secret-storage-fallback')).toMatchObject({ kind: 'secret-storage-fallback', title: expect.any(String) });
  });

  it('stops the engine when main asks, then its process is ended', async () => {
    const { connection, forker } = desktop();
    expect((await connection.call('getSettings')).ok).toBe(true);
    await connection.shutdown();
    expect(forker.latest.killed).toBe(1);
    expect(forker.children).toHaveLength(1);
  });
});
