import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { startWebConsole, type RunningWebConsole, postToWebHost } from '../../support/web-console';

/** Resolves at the first event on the host's event stream that matches. */
function firstEvent(url: string, session: string, matches: (event: { type: string; progress?: { state: string } }) => boolean) {
  return new Promise<void>((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `Bearer ${session}` } }, (res) => {
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (const frame of buffered.split('\n\n').slice(0, -1)) {
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (data && matches(JSON.parse(data.slice('data: '.length)) as { type: string })) {
            resolve();
            req.destroy();
          }
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n\n') + 2);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('SIGTERM to the web host', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let running: RunningWebConsole;
  const marker = `ibc-web-stop-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    expect((await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer])).code).toBe(0);
    // A component that runs until it is cancelled.
    expect((await cli(['--config-dir', config, 'sources', 'add', 'slow', '--command', `sleep 600 # ${marker}`])).code).toBe(0);
  });
  afterAll(async () => {
    await running?.stop();
    await temp?.remove();
  });

  it('cancels the running backup, logs that it stopped, and exits 0', async () => {
    running = await startWebConsole(config);
    let stderr = '';
    running.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      running.process.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const signIn = new URL(await running.takeSignInUrl()).searchParams.get('token')!;
    const session = (JSON.parse(await postToWebHost(`${running.url}api/session`, signIn)) as { sessionToken: string }).sessionToken;
    const creating = firstEvent(`${running.url}api/events`, session, (e) => e.type === 'job-progress' && e.progress?.state === 'Creating');
    expect(JSON.parse(await postToWebHost(`${running.url}api/startBackup`, session))).toMatchObject({ ok: true });
    await creating;
    expect(spawnSync('pgrep', ['-f', marker]).status).toBe(0); // the component is running

    running.process.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('SIGTERM received: stopping');
    expect(stderr).toContain('web host stopped');
    expect(spawnSync('pgrep', ['-f', marker]).status).toBe(1); // nothing of the job outlives the host
    const timeline = await cli(['--config-dir', config, '--json', 'timeline']);
    const finished = (JSON.parse(timeline.out) as { kind: string; reason?: string }[]).find((e) => e.kind === 'run-finished');
    expect(finished?.reason).toMatch(/cancel/i);
  });
});
