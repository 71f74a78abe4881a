import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, ApiEvent, EssentialsView, TimelineEvent } from '../../../preload/api';
import { logFilePath } from '../../../main/engine/app/logger';
import { cli } from '../../support/cli';
import { testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT, startWebConsole, type RunningWebConsole, postToWebHost } from '../../support/web-console';

/** Every event the host publishes from now on, collected in order. */
function collectEvents(url: string, session: string): { events: ApiEvent[]; stop: () => void } {
  const events: ApiEvent[] = [];
  const req = request(url, { headers: { Authorization: `Bearer ${session}` } }, (res) => {
    let buffered = '';
    res.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const frames = buffered.split('\n\n');
      buffered = frames.pop() ?? '';
      for (const frame of frames) {
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice('data: '.length)) as ApiEvent);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { events, stop: () => req.destroy() };
}

/** Polls `find` until it returns something, within a generous deadline (no fixed waits). */
async function eventually<T>(find: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The built CLI as an operator or cron runs it beside the console: standard input closed. */
function builtCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('a running console (the built web host) follows backups the CLI runs beside it, without a restart', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let running: RunningWebConsole;
  let session: string;
  let stream: { events: ApiEvent[]; stop: () => void };
  const call = async <T>(method: string, input?: unknown): Promise<T> => {
    const result = JSON.parse(await postToWebHost(`${running.url}api/${method}`, session, input)) as { ok: boolean; value: T };
    expect(result.ok, JSON.stringify(result)).toBe(true);
    return result.value;
  };
  const runEndedElsewhere = (state: string): TimelineEvent | undefined =>
    stream.events.flatMap((e) =>
      e.type === 'timeline-appended' && e.recordedElsewhere && e.event.kind === 'run-finished' && e.event.state === state ? [e.event] : [],
    )[0];

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const source = join(temp.path, 'source');
    await mkdir(source);
    await writeFile(join(source, 'data.json'), JSON.stringify({ stamp: 'beside' }));
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    expect((await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer])).code).toBe(0);
    expect((await cli(['--config-dir', config, 'sources', 'add', 'files', '--folder', source])).code).toBe(0);
    running = await startWebConsole(config);
    const signIn = new URL(await running.takeSignInUrl()).searchParams.get('token')!;
    session = (JSON.parse(await postToWebHost(`${running.url}api/session`, signIn)) as { sessionToken: string }).sessionToken;
    stream = collectEvents(`${running.url}api/events`, session);
    // The running console has read its history (none yet) before the CLI runs.
    expect((await call<EssentialsView>('getEssentials')).lastAttempt).toBeNull();
  });
  afterAll(async () => {
    stream?.stop();
    await running?.stop();
    await temp?.remove();
  });

  it('a CLI backup that succeeds: the running console publishes it and shows it as last attempt and last success', async () => {
    const backup = await builtCli(['--config-dir', config, 'backup', 'start', '--wait']);
    expect(backup.code, backup.output).toBe(0);
    // Heard from the folder watch alone: nothing asked the running console in between.
    const finished = await eventually(() => runEndedElsewhere('Succeeded'), 'the CLI run to reach the running console');

    const essentials = await call<EssentialsView>('getEssentials');
    expect(essentials.lastAttempt).toMatchObject({ backupId: finished.backupId, state: 'Succeeded', finishedAt: finished.at });
    expect(essentials.lastSuccessfulBackup).toMatchObject({ backupId: finished.backupId });
    const timeline = await call<TimelineEvent[]>('getTimeline', { kinds: ['run-started', 'run-finished'] });
    expect(timeline.map((e) => `${e.kind} ${e.backupId}`)).toEqual([
      `run-finished ${finished.backupId}`,
      `run-started ${finished.backupId}`,
    ]);
  });

  it('a CLI backup that fails: the running console raises the failure alert, and it is notified once', async () => {
    expect((await cli(['--config-dir', config, 'sources', 'remove', 'files'])).code).toBe(0);
    expect((await cli(['--config-dir', config, 'sources', 'add', 'broken', '--command', 'exit 7'])).code).toBe(0);
    const backup = await builtCli(['--config-dir', config, 'backup', 'start', '--wait']);
    expect(backup.code, backup.output).not.toBe(0);
    const failed = await eventually(() => runEndedElsewhere('Failed'), 'the failed CLI run to reach the running console');
    const alerts = await eventually(
      () => stream.events.flatMap((e) => (e.type === 'alerts-changed' && e.alerts.some((a) => a.kind === 'general') ? [e.alerts] : []))[0],
      'the failure alert in the running console',
    );

    const essentials = await call<EssentialsView>('getEssentials');
    expect(essentials.lastAttempt).toMatchObject({ backupId: failed.backupId, state: 'Failed', reason: expect.stringContaining('broken') });
    expect(essentials.lastSuccessfulBackup?.backupId).toBe(runEndedElsewhere('Succeeded')?.backupId);
    expect((await call<Alert[]>('listAlerts')).map((a) => a.kind)).toContain('general');
    const failure = alerts.find((a) => a.kind === 'general')!;
    // Both processes log to the config folder's log file: one of them told of the alert, not both.
    const log = await readFile(logFilePath(config), 'utf8');
    expect(log.split('\n').filter((line) => line.includes(`ALERT [${failure.severity}] ${failure.title}`))).toHaveLength(1);
    // And no other alert was told twice (the unconfirmed .pfx one, raised after the first backup, neither).
    const told = log.split('\n').flatMap((line) => /ALERT \[\w+\] [^.]*/.exec(line) ?? []);
    expect(told.length).toBeGreaterThanOrEqual(2);
    expect(new Set(told).size).toBe(told.length);
  });
});
