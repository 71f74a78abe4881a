import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateRoot } from '../../../main/engine/share/smbclient-private-dir';
import { cli } from '../../support/cli';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeSourceTree, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT } from '../../support/web-console';

function spawnCli(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('crashes and the headless service, with the built CLI against real Samba', () => {
  let server: SambaServer;
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
    server = await startSamba();
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const source = join(temp.path, 'source');
    await makeSourceTree(source, 400 * 1024 * 1024);
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    const set = await cli(
      [
        '--config-dir',
        config,
        'config',
        'set',
        '--path',
        server.uncPath,
        '--username',
        `${server.workgroup}\\${server.username}`,
        '--password-stdin',
        '--smb-port',
        String(server.port),
        '--cert',
        cer,
      ],
      server.password,
    );
    expect(set.code, set.err).toBe(0);
    expect((await cli(['--config-dir', config, 'sources', 'add', 'files', '--folder', source])).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
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
