import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateRoot } from '../../../main/engine/share/smbclient-private-dir';
import { cli, configSetOnSamba } from '../../support/cli';
import { SAMBA_TEST_UNIX_USER, startSamba, type SambaServer } from '../../support/samba';
import { makeSourceTree, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT } from '../../support/web-console';

/** Every CLI process this file started: a test that fails before it stops its service leaves none running. */
const spawned = new Set<ChildProcess>();

/** The built CLI as a service manager starts it: standard input is /dev/null. */
function spawnCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; detached?: boolean } = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    detached: options.detached ?? false,
  });
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve({ code: child.exitCode, signal: child.signalCode })
      : child.once('exit', (code, signal) => resolve({ code, signal })),
  );

let server: SambaServer;
beforeAll(async () => {
  server = await startSamba();
});
afterAll(async () => {
  for (const child of spawned) child.kill('SIGKILL');
  await server?.stop();
});

async function configure(config: string, cer: string, folder?: string): Promise<void> {
  if (folder) {
    await mkdir(join(server.shareDir, folder));
    execFileSync('chown', [SAMBA_TEST_UNIX_USER, join(server.shareDir, folder)]);
  }
  await configSetOnSamba(server, config, cer, { location: folder ? `${server.uncPath}\\${folder}` : server.uncPath });
}

describe('crashes and the headless service, with the built CLI against real Samba', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  const masBackup = () => join(server.shareDir, 'MASBackup');
  const entries = async (): Promise<string[]> => readdir(masBackup()).catch(() => []);
  const partialWithData = async (): Promise<boolean> => {
    for (const name of await entries()) {
      if (!name.endsWith('.partial')) continue;
      const files = await readdir(join(masBackup(), name)).catch(() => []);
      if (files.length > 0) return true;
    }
    return false;
  };

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const source = join(temp.path, 'source');
    await makeSourceTree(source, 400 * 1024 * 1024);
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configure(config, cer);
    expect((await cli(['--config-dir', config, 'sources', 'add', 'files', '--folder', source])).code).toBe(0);
  });
  afterAll(async () => {
    await temp?.remove();
  });

  it('SIGKILL mid-upload: no backup is listed; the next run cleans the .partial and succeeds', async () => {
    const run = spawnCli(['--config-dir', config, 'backup', 'start', '--wait']);
    await waitFor(partialWithData, 30_000, 'the upload to start');
    run.child.kill('SIGKILL');
    await exited(run.child);
    const listed = await cli(['--json', '--config-dir', config, 'backup', 'list']);
    expect(JSON.parse(listed.out)).toEqual([]);
    expect((await entries()).some((name) => name.endsWith('.partial'))).toBe(true);

    // The next console process (a new one, as after a crash) finishes the job...
    const again = spawnCli(['--json', '--config-dir', config, 'backup', 'start', '--wait']);
    expect((await exited(again.child)).code, again.output()).toBe(0);
    // ...and sweeps the killed console's smbclient folders (auth file, FIFO).
    expect((await readdir(await privateRoot(config))).filter((name) => name.startsWith(`ibc-smb-${run.child.pid}-`))).toEqual([]);
    const names = await entries();
    expect(names.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(JSON.parse((await cli(['--json', '--config-dir', config, 'backup', 'list'])).out)).toHaveLength(1);
  });

  it('infra-backup service runs a missed slot once as a catch-up and stops cleanly on SIGTERM mid-job', async () => {
    // The console was "closed" for a day: the schedule's anchor and last handled slot lie in the past.
    const scheduleFile = join(config, 'schedule.json');
    const state = JSON.parse(await readFile(scheduleFile, 'utf8')) as Record<string, unknown>;
    const dayAgo = new Date(Date.now() - 24 * 3_600_000).toISOString();
    await writeFile(
      scheduleFile,
      JSON.stringify({
        ...state,
        anchor: dayAgo,
        lastSlotHandled: dayAgo,
        nextBackupTime: new Date(Date.parse(dayAgo) + 12 * 3_600_000).toISOString(),
      }),
    );
    const before = (await entries()).filter((name) => !name.startsWith('.'));

    const service = spawnCli(['--config-dir', config, 'service']);
    await waitFor(partialWithData, 30_000, 'the catch-up backup to start uploading');
    service.child.kill('SIGTERM');
    const { code } = await exited(service.child);
    expect(code, service.output()).toBe(0);
    expect(service.output()).toMatch(/SIGTERM received/);
    expect(service.output()).toMatch(/service stopped/);
    // no new complete backup; nothing but (at most) a .partial for the next run to clean
    const after = (await entries()).filter((name) => !name.startsWith('.') && !name.endsWith('.partial'));
    expect(after).toEqual(before.filter((name) => !name.endsWith('.partial')));
    const timeline = JSON.parse((await cli(['--json', '--config-dir', config, 'timeline'])).out) as Array<{
      kind: string;
      trigger?: string;
    }>;
    expect(timeline.filter((event) => event.kind === 'catch-up')).toHaveLength(1);
    expect(timeline.some((event) => event.kind === 'run-started' && event.trigger === 'catch-up')).toBe(true);
  });
});

/** Resolves with the exit status if the process ends within `ms`, else with null (it is still running). */
async function exitWithin(child: ChildProcess, ms: number): Promise<{ code: number | null } | null> {
  let timer: NodeJS.Timeout | undefined;
  const still = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const result = await Promise.race([exited(child), still]);
  clearTimeout(timer);
  return result;
}

describe('infra-backup service as a service manager runs it (stdin closed), with the built CLI', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(async () => {
    await temp?.remove();
  });

  for (const mode of [
    { name: 'in the foreground, stopped by SIGTERM', detached: false, signal: 'SIGTERM' as const },
    { name: 'in the background (own process group, no terminal), stopped by SIGINT', detached: true, signal: 'SIGINT' as const },
  ]) {
    it(`idle ${mode.name}: keeps running, then exits 0 with "service stopped"`, async () => {
      const config = join(temp.path, `idle-${mode.signal}`);
      const service = spawnCli(['--config-dir', config, 'service'], { detached: mode.detached });
      await waitFor(async () => /service started/.test(service.output()), 30_000, 'the service to start');
      // Nothing is scheduled: before the fix the process ended here with status 13 (an unsettled top-level await).
      expect(await exitWithin(service.child, 3_000), service.output()).toBeNull();
      service.child.kill(mode.signal);
      expect((await exited(service.child)).code, service.output()).toBe(0);
      expect(service.output()).toMatch(new RegExp(`${mode.signal} received`));
      expect(service.output()).toMatch(/service stopped/);
    });
  }

  it('follows a configuration another process saves while it runs: the schedule starts and the not-enabled alert closes', async () => {
    const config = join(temp.path, 'configured-beside');
    const service = spawnCli(['--config-dir', config, 'service']);
    await waitFor(async () => /service started/.test(service.output()), 30_000, 'the service to start');
    expect(service.output()).toMatch(/next not scheduled/);
    // The first pass (and its alerts) runs after the start, in the background.
    await waitFor(async () => /Backup is not enabled for the location/.test(service.output()), 30_000, 'the not-enabled alert');

    const cer = join(temp.path, 'beside.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configure(config, cer, 'configured-beside');
    await waitFor(
      async () => /schedule: automatic backups every 12 h, next 20/.test(service.output()),
      30_000,
      'the service to follow the new settings',
    );
    await waitFor(async () => /alerts: none/.test(service.output()), 30_000, 'the not-enabled alert to close');
    service.child.kill('SIGTERM');
    expect((await exited(service.child)).code, service.output()).toBe(0);
    // The schedule `config set` started and saved is the service's too: one start on the timeline, not two.
    const starts = JSON.parse((await cli(['--json', '--config-dir', config, 'timeline', '--kind', 'schedule-changed'])).out) as Array<{
      summary: string;
    }>;
    expect(starts.map((event) => event.summary)).toEqual([expect.stringMatching(/^Automatic backups start: every 12 h/)]);
  });

  it('follows a `schedule pause` another process makes while it runs: the slot in it is Skipped, the alert stands, and its own save keeps the pause', async () => {
    const config = join(temp.path, 'paused-beside');
    const cer = join(temp.path, 'paused.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configure(config, cer, 'paused-beside');
    const { nextBackupTime: slot } = JSON.parse((await cli(['--json', '--config-dir', config, 'config', 'show'])).out) as {
      nextBackupTime: string;
    };
    // Test only (NODE_ENV=test): both processes' clocks run 45 s before the slot, twelve hours ahead.
    const env = { IBC_TEST_CLOCK_OFFSET_MS: String(Date.parse(slot) - Date.now() - 45_000) };
    const service = spawnCli(['--config-dir', config, 'service'], { env });
    await waitFor(async () => /service started/.test(service.output()), 30_000, 'the service to start');
    expect(service.output()).toContain(`next ${slot}`);
    // Frozen while the pause is made, the service cannot reach the slot before it, however slow the command is.
    service.child.kill('SIGSTOP');
    // An absolute end: a relative one is counted from the command's system clock, which the test clock does not shift.
    const until = new Date(Date.parse(slot) + 2 * 3_600_000).toISOString();
    const pause = spawnCli(['--config-dir', config, 'schedule', 'pause', '--until', until, '--reason', 'stamp update'], { env });
    const paused = await exited(pause.child);
    service.child.kill('SIGCONT');
    expect(paused.code, pause.output()).toBe(0);

    await waitFor(
      async () => /schedule: .*; paused until \S+: stamp update/.test(service.output()),
      30_000,
      'the service to adopt the pause',
    );
    await waitFor(async () => /alerts: .*Infrastructure backups are paused/.test(service.output()), 30_000, 'the paused alert');
    await waitFor(
      async () => service.output().includes(`Scheduled backup of ${slot} skipped: backups paused until`),
      120_000,
      'the slot to be skipped',
    );
    // The service's own save after the slot: the slot handled, the pause still there.
    const saved = async () => JSON.parse(await readFile(join(config, 'schedule.json'), 'utf8')) as Record<string, unknown>;
    await waitFor(async () => (await saved()).lastSlotHandled === slot, 30_000, 'the service to save the handled slot');
    expect((await saved()).pause).toMatchObject({ reason: 'stamp update' });
    service.child.kill('SIGTERM');
    expect((await exited(service.child)).code, service.output()).toBe(0);
    expect(service.output()).not.toMatch(/backup \S+ (Succeeded|failed)/);
    const runs = JSON.parse((await cli(['--json', '--config-dir', config, 'timeline', '--kind', 'run-started'])).out) as unknown[];
    expect(runs).toEqual([]);
    const [skipped, ...more] = JSON.parse(
      (await cli(['--json', '--config-dir', config, 'timeline', '--kind', 'slot-skipped'])).out,
    ) as Array<{
      at: string;
      reason: string;
    }>;
    expect(more).toEqual([]);
    expect(skipped).toMatchObject({ at: slot, reason: expect.stringMatching(/stamp update$/) });
  });

  it('takes a scheduled backup at its slot (engine clock shifted to seconds before the slot), then stops on SIGTERM', async () => {
    const config = join(temp.path, 'scheduled');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configure(config, cer);
    expect((await cli(['--config-dir', config, 'config', 'set', '--frequency', '4'])).code).toBe(0);
    const { nextBackupTime } = JSON.parse((await cli(['--json', '--config-dir', config, 'config', 'show'])).out) as {
      nextBackupTime: string;
    };
    // Test only (NODE_ENV=test): the process's engine clock runs 5 s before the first slot, four hours ahead.
    const offsetMs = Date.parse(nextBackupTime) - Date.now() - 5_000;
    const service = spawnCli(['--config-dir', config, 'service'], { env: { IBC_TEST_CLOCK_OFFSET_MS: String(offsetMs) } });
    await waitFor(async () => /backup \S+ Succeeded/.test(service.output()), 60_000, 'the scheduled backup');
    service.child.kill('SIGTERM');
    expect((await exited(service.child)).code, service.output()).toBe(0);
    const timeline = JSON.parse((await cli(['--json', '--config-dir', config, 'timeline', '--kind', 'run-started'])).out) as Array<{
      trigger: string;
      at: string;
    }>;
    expect(timeline.map((event) => event.trigger)).toEqual(['scheduled']);
    // It ran at its slot (the shifted clock's time), not at start-up as a catch-up.
    expect(Date.parse(timeline[0]!.at)).toBeGreaterThanOrEqual(Date.parse(nextBackupTime));
    const listed = JSON.parse((await cli(['--json', '--config-dir', config, 'backup', 'list'])).out) as Array<{ trigger: string }>;
    expect(listed.map((backup) => backup.trigger)).toContain('scheduled');
  });
});

describe('Ctrl-C on backup start --wait, with the built CLI against real Samba', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(async () => {
    await temp?.remove();
  });

  it('cancels the job and exits 130; the run is Cancelled, nothing is kept, no alert', async () => {
    const config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    await configure(config, cer, 'ctrl-c');
    // A source that waits keeps the job running until it is cancelled, however loaded the machine.
    expect((await cli(['--config-dir', config, 'sources', 'add', 'waits', '--command', 'sleep 600'])).code).toBe(0);
    const masBackup = join(server.shareDir, 'ctrl-c', 'MASBackup');
    const partials = async (): Promise<string[]> => (await readdir(masBackup).catch(() => [])).filter((name) => name.endsWith('.partial'));

    const run = spawnCli(['--config-dir', config, 'backup', 'start', '--wait']);
    await waitFor(async () => (await partials()).length > 0, 30_000, 'the backup to start writing');
    run.child.kill('SIGINT');
    expect((await exited(run.child)).code, run.output()).toBe(130);
    expect(run.output()).toMatch(/Cancelled/);
    expect(run.output()).toMatch(/cancelled by the operator/);

    expect(await partials()).toEqual([]);
    const [finished] = JSON.parse((await cli(['--json', '--config-dir', config, 'timeline', '--kind', 'run-finished'])).out) as Array<{
      state: string;
    }>;
    expect(finished?.state).toBe('Cancelled');
    expect(JSON.parse((await cli(['--json', '--config-dir', config, 'backup', 'list'])).out)).toEqual([]);
    const alerts = JSON.parse(await readFile(join(config, 'alerts.json'), 'utf8').catch(() => '{"active":[]}')) as {
      active: Array<{ kind: string }>;
    };
    expect(alerts.active.map((a) => a.kind)).not.toContain('general');
  });

  it.skipIf(process.platform !== 'linux')(
    'a console killed mid-backup (SIGKILL) leaves nothing of a command source running: the command and what it started die with it',
    async () => {
      const config = join(temp.path, 'killed');
      const cer = join(temp.path, 'killed.cer');
      await writeFile(cer, testCertificate().cerDer);
      await configure(config, cer, 'killed');
      // A duration no other process has (GNU sleep takes fractions): the marker is on the sleep itself, the grandchild.
      const marker = `sleep 600.${String(process.pid).padStart(7, '0')}${Date.now() % 1000}`;
      expect((await cli(['--config-dir', config, 'sources', 'add', 'waits', '--command', `${marker}; true`])).code).toBe(0);
      const running = (): string[] => {
        try {
          return execFileSync('pgrep', ['-f', marker]).toString().trim().split('\n').filter(Boolean);
        } catch {
          return []; // pgrep exits 1 when nothing matches
        }
      };
      const run = spawnCli(['--config-dir', config, 'backup', 'start', '--wait']);
      await waitFor(async () => running().length > 0, 30_000, 'the command source to start');
      run.child.kill('SIGKILL');
      await exited(run.child);
      await waitFor(async () => running().length === 0, 15_000, 'the command source to end with the console');
    },
  );
});
