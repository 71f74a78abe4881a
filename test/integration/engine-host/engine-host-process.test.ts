import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Alert,
  ApiEvent,
  ApiMethod,
  BackupSummary,
  JobProgress,
  SettingsView,
  ShareTestResult,
  TimelineEvent,
} from '../../../preload/api';
import { ENGINE_HOST_ENTRY, ENGINE_TEXTS, startEngineProcess, type EngineConnection } from '../../../main/electron/engine-process';
import { createLogger, logFilePath } from '../../../main/engine/app/logger';
import { LOCK_FILE } from '../../../main/engine/backup/share-lock';
import { RUN_INTERRUPTED_REASON } from '../../../main/engine/history/run-events';
import { cli } from '../../support/cli';
import { testCertificate } from '../../support/backup-fixtures';
import { startSamba, type SambaServer, shareSettingsFor } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';
import { PROJECT_ROOT } from '../../support/web-console';
import { fakeSafeStorage, MessageChannelStandIn } from '../../unit/electron/stand-ins';
import { descendantsOf, ForkedUtilityProcesses, hasExited } from './forked-utility-process';

const ENGINE_HOST = join(PROJECT_ROOT, 'out', ENGINE_HOST_ENTRY);

/** Resolves with the first event the predicate accepts. */
function nextEvent<T extends ApiEvent>(connection: EngineConnection, accept: (event: ApiEvent) => event is T): Promise<T> {
  return new Promise((resolve) => {
    const stop = connection.onEvent((event) => {
      if (!accept(event)) return;
      stop();
      resolve(event);
    });
  });
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the engine in its own process: the built engine-host entry, forked, behind main’s supervisor', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let forker: ForkedUtilityProcesses;
  let connection: EngineConnection;
  const electron = fakeSafeStorage();
  const notified: Alert[] = [];
  const events: ApiEvent[] = [];
  const masBackup = () => join(server.shareDir, 'MASBackup');

  async function call<T>(method: ApiMethod, input?: unknown): Promise<T> {
    const result = await connection.call(method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}\n${forker.latest.output}`);
    return result.value as T;
  }

  beforeAll(async () => {
    if (!existsSync(ENGINE_HOST)) throw new Error(`${ENGINE_HOST} is missing: run npm run build first`);
    server = await startSamba();
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    // A command source that never ends on its own: the job is mid-upload for as long as the test wants.
    expect((await cli(['--config-dir', config, 'sources', 'add', 'endless', '--command', 'yes'])).code).toBe(0);
    forker = new ForkedUtilityProcesses();
    connection = startEngineProcess(
      {
        utilityProcess: forker,
        MessageChannelMain: MessageChannelStandIn,
        safeStorage: electron,
        notify: (alert) => void notified.push(alert),
      },
      { entryPath: ENGINE_HOST, configDir: config, version: '0.0.0-test', logger: createLogger({ level: 'silent' }) },
    );
    connection.onEvent((event) => void events.push(event));
  });
  afterAll(async () => {
    await connection?.shutdown();
    await server?.stop();
    await temp?.remove();
  });

  it('serves the contract over the port: results, typed errors, events, and safeStorage asked of main', async () => {
    expect(forker.children).toHaveLength(1);
    expect(await call<SettingsView>('getSettings')).toMatchObject({ configured: false });
    expect(await connection.call('listBackups')).toMatchObject({
      ok: false,
      error: { code: 'not-configured', remediation: expect.any(String) },
    });
    expect(await connection.call('setAutomaticBackups', { enabled: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', field: 'enabled' },
    });

    const changed = nextEvent(
      connection,
      (event): event is Extract<ApiEvent, { type: 'settings-changed' }> => event.type === 'settings-changed',
    );
    const saved = await call<SettingsView>('saveSettings', {
      ...shareSettingsFor(server),
      certificateBase64: testCertificate().cerDer.toString('base64'),
    });
    expect(saved).toMatchObject({ configured: true, passwordSet: true });
    expect((await changed).settings.location).toBe(saved.location);
    // the engine asked main's safeStorage to wrap its data key — never to hold the password
    expect(electron.encrypted).toHaveLength(1);
    expect(electron.encrypted[0]).not.toContain(server.password);
    // and the password it sealed opens the share
    expect(await call<ShareTestResult>('testShare', {})).toMatchObject({ authenticated: true, writable: true });
    // the engine process logs each failure with its cause to the config folder's log file, never the password
    const log = readFileSync(logFilePath(config), 'utf8');
    expect(log).toMatch(/"method":"listBackups","code":"not-configured"/);
    expect(log).not.toContain(server.password);
  });

  it('a crash of the engine process mid-job: pending calls get a typed error, main restarts it, the window is told, and the next run recovers the share', async () => {
    const started = nextEvent(
      connection,
      (event): event is Extract<ApiEvent, { type: 'job-progress' }> =>
        event.type === 'job-progress' && event.progress.component === 'endless',
    );
    const job = await call<JobProgress>('startBackup');
    await started;
    // the dead job's traces on the share: its .partial folder and the lock
    const partial = `${job.backupId}.partial`;
    expect(await readdir(masBackup())).toEqual(expect.arrayContaining([partial, LOCK_FILE]));

    // Freeze the engine so it starts nothing more, note its children (smbclient, the command), then kill it.
    const killed = forker.latest;
    process.kill(killed.pid, 'SIGSTOP');
    const orphans = descendantsOf(killed.pid);
    const restarted = nextEvent(
      connection,
      (event): event is Extract<ApiEvent, { type: 'engine-restarted' }> => event.type === 'engine-restarted',
    );
    process.kill(killed.pid, 'SIGKILL');
    // asked after the kill, before main has seen the process go: answered, not left hanging
    expect(await connection.call('getActiveJob')).toEqual({ ok: false, error: ENGINE_TEXTS.stoppedBeforeAnswer });
    expect((await killed.exited).signal).toBe('SIGKILL');

    expect(await restarted).toEqual({ type: 'engine-restarted', notice: ENGINE_TEXTS.restarted, interruptedBackupId: job.backupId });
    expect(forker.children).toHaveLength(2);
    expect(await call('getActiveJob')).toBeNull();
    // The timeline ends the cut-off run as Failed, in words, instead of showing it running forever.
    const ends = await call<TimelineEvent[]>('getTimeline', { kinds: ['run-finished'] });
    expect(ends).toEqual([expect.objectContaining({ backupId: job.backupId, state: 'Failed', reason: RUN_INTERRUPTED_REASON })]);
    // …and, once the restarted engine's first maintenance pass has evaluated the alerts, the failure alert stands.
    await expect
      .poll(async () => (await call<Alert[]>('listAlerts')).map((alert) => alert.kind), { timeout: 30_000, interval: 50 })
      .toContain('general');
    // The killed engine's smbclient finishes its cut-off upload once its input closes; let it go first.
    await waitUntil(() => orphans.every(hasExited), "the killed engine's child processes to end");
    // The restarted engine's first maintenance pass may already have removed the dead job's .partial
    // (its lock's owner is gone); the lock stays until the next run takes it over.
    expect(await readdir(masBackup())).toEqual(expect.arrayContaining([LOCK_FILE]));
    expect(await call<BackupSummary[]>('listBackups')).toEqual([]);

    // The next run, through the restarted engine (its password unsealed with main's help), takes over
    // the dead job's lock, removes its .partial, and completes.
    // Command sources are managed on the station (the CLI), never through the window's contract.
    expect((await cli(['--config-dir', config, 'sources', 'remove', 'endless'])).code).toBe(0);
    const finished = nextEvent(connection, (event): event is Extract<ApiEvent, { type: 'job-finished' }> => event.type === 'job-finished');
    await call<JobProgress>('startBackup');
    const outcome = await finished;
    expect(outcome.error, forker.latest.output).toBeNull();
    expect(outcome.backup?.state).toBe('Succeeded');
    const names = await readdir(masBackup());
    expect(names.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(names.filter((name) => name.startsWith(LOCK_FILE))).toEqual([]);
    expect((await call<BackupSummary[]>('listBackups')).map((backup) => backup.backupId)).toEqual([outcome.backup?.backupId]);
  });

  it('quitting stops the engine and ends its process; it is not restarted', async () => {
    const running = forker.latest;
    await connection.shutdown();
    expect((await running.exited).signal).toBe('SIGTERM');
    expect(forker.children).toHaveLength(2);
    expect(await connection.call('getSettings')).toEqual({ ok: false, error: ENGINE_TEXTS.stopping });
  });
});
