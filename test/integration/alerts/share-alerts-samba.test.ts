import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertKind, ShareTestResult } from '../../../preload/api';
import { testCertificate } from '../../support/backup-fixtures';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine } from '../../../main/engine/service';
import { cli } from '../../support/cli';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';
import { run as runProgram } from '../../support/samba';

/**
 * Gives a command source reading the FIFO `gate` 4 KiB and its end. The source may not have opened the FIFO yet (it is
 * still writing what comes before, under load): retried until it has, or until `ended()` — the job failed first and
 * its command was ended.
 */
async function releaseGate(gate: string, ended: () => boolean): Promise<void> {
  for (;;) {
    try {
      const handle = await open(gate, constants.O_WRONLY | constants.O_NONBLOCK);
      await handle.write(Buffer.alloc(4096, 7));
      await handle.close();
      return;
    } catch (error) {
      // ENXIO: no reader has the FIFO open (not yet, or no more).
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      if (ended()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Whether a file under MASBackup\\*.partial\\ in `folder` on the share holds data: the copy has begun. */
async function copyHasBegun(folder: string): Promise<boolean> {
  const root = join(folder, 'MASBackup');
  for (const partial of (await readdir(root).catch(() => [] as string[])).filter((name) => name.endsWith('.partial')))
    for (const name of await readdir(join(root, partial)).catch(() => [] as string[]))
      if (((await stat(join(root, partial, name)).catch(() => null))?.size ?? 0) > 0) return true;
  return false;
}

/**
 * Share alerts raised from real conditions on a real Samba server, through the
 * CLI as an operator runs it, and closed when the condition ends.
 */
describe('share alerts on a real Samba share, through the CLI', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let cer: string;

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  /** A fresh config dir backing up `source` to `\\server\share\<folder>`. */
  async function station(
    folder: string,
    source: { folder: string } | { command: string },
  ): Promise<(...args: string[]) => ReturnType<typeof cli>> {
    const config = join(temp.path, `config-${folder}`);
    const run = (...args: string[]) => cli(['--json', '--config-dir', config, ...args], `${server.password}\n`);
    const set = await run(
      'config',
      'set',
      '--path',
      `${server.uncPath}\\${folder}`,
      '--username',
      `${server.workgroup}\\${server.username}`,
      '--password-stdin',
      '--smb-port',
      String(server.port),
      '--cert',
      cer,
    );
    expect(set.code, set.err).toBe(0);
    const added = await run(
      'sources',
      'add',
      'data',
      ...('folder' in source ? ['--folder', source.folder] : ['--command', source.command]),
    );
    expect(added.code, added.err).toBe(0);
    return run;
  }

  async function activeAlert(run: (...args: string[]) => ReturnType<typeof cli>, kind: AlertKind): Promise<Alert | undefined> {
    const listed = await run('alerts');
    expect(listed.code, listed.err).toBe(0);
    return (JSON.parse(listed.out) as Alert[]).find((alert) => alert.kind === kind);
  }

  it('cannot write to the file share: a folder the account may not write in; Test connection, the job, the exit status and the alert say so; closed by the next success', async () => {
    const source = join(temp.path, 'small-source');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'a.json'), '{"a":1}');
    const run = await station('no-write', { folder: source });
    // The share lets the account in and read, but the backup folder (made by config set's connection test) is r-x for it.
    const folder = join(server.shareDir, 'no-write');
    await chmod(folder, 0o555);
    try {
      const tested = await run('share', 'test');
      expect(tested.code).toBe(3);
      expect(JSON.parse(tested.err)).toMatchObject({ error: { code: 'share', category: 'cannot-write' } });
      const steps = (JSON.parse(tested.out) as ShareTestResult).steps;
      expect(steps.map((step) => [step.step, step.ok])).toEqual([
        ['reachability', true],
        ['authentication', true],
        ['protocol', true],
        ['write permission', false],
      ]);

      const failed = await run('backup', 'start', '--wait');
      expect(failed.code).toBe(3);
      expect(JSON.parse(failed.err)).toMatchObject({
        error: { code: 'share', category: 'cannot-write', remediation: expect.stringMatching(/Change \(write\) permission/) },
      });
      expect(await activeAlert(run, 'cannot-write')).toMatchObject({
        severity: 'critical',
        title: 'Cannot write to the backup file share.',
        remediation: expect.stringMatching(/Grant the backup account Change \(write\) permission/),
      });
      expect(await activeAlert(run, 'authentication')).toBeUndefined();
    } finally {
      await chmod(folder, 0o755);
    }

    const fixed = await run('backup', 'start', '--wait');
    expect(fixed.code, fixed.err).toBe(0);
    expect(await activeAlert(run, 'cannot-write')).toBeUndefined();
  });

  it('backup failed during file copy: the connection to the share broken while data is written; closed by the next success', async () => {
    // The source gives 32 MiB at once (smbclient sends in 8 MiB writes), then waits on a FIFO: the job is mid-copy until
    // the test acts, however slow the machine.
    const gate = join(temp.path, 'gate');
    await runProgram('mkfifo', [gate]);
    const run = await station('mid-copy', { command: `head -c 33554432 /dev/urandom; cat '${gate}'` });
    const folder = join(server.shareDir, 'mid-copy');

    let jobEnded = false;
    const job = run('backup', 'start', '--wait').finally(() => {
      jobEnded = true;
    });
    // Event-driven: the share's folder on disk is watched until the first data arrives, then the server's connections die.
    while (!(await copyHasBegun(folder))) await new Promise((resolve) => setTimeout(resolve, 20));
    await server.signal('SIGKILL');
    // smbclient notices a dead connection only when it next sends: if it had already sent all it had, it waits on the
    // source. So the source gives a little more and ends; whatever smbclient was doing, its next send fails.
    await releaseGate(gate, () => jobEnded);
    const failed = await job;
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.err)).toMatchObject({ error: { code: 'share', category: 'connectivity' } });
    expect(await activeAlert(run, 'backup-copy-failed')).toMatchObject({
      severity: 'critical',
      title: 'Backup failed during file copy to the external share.',
    });
    // The same failure is not told twice.
    expect(await activeAlert(run, 'connectivity')).toBeUndefined();

    // The server takes new connections (only those serving the job died); the source now ends at once.
    await rm(gate);
    await writeFile(gate, '');
    const fixed = await run('backup', 'start', '--wait');
    expect(fixed.code, fixed.err).toBe(0);
    expect(await activeAlert(run, 'backup-copy-failed')).toBeUndefined();
  });

  it('backup is not enabled for the location: a fresh station and one whose configuration was cleared; closed when a location is saved', async () => {
    // A fresh station, as the console (desktop, web, service) starts it.
    const fresh = createEngine({
      configDir: join(temp.path, 'config-fresh'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    try {
      await fresh.startAutomation();
      await fresh.whenIdle();
      const kinds = (await fresh.listAlerts()).map((alert) => alert.kind);
      expect(kinds).toEqual(['backup-not-enabled']);
    } finally {
      await fresh.close();
    }

    // A one-shot command on a station no console runs on evaluates the alerts before it answers.
    const oneShot = await cli(['--json', '--config-dir', join(temp.path, 'config-one-shot'), 'alerts']);
    expect(oneShot.code, oneShot.err).toBe(0);
    expect((JSON.parse(oneShot.out) as Alert[]).map((alert) => alert.kind)).toEqual(['backup-not-enabled']);

    const source = join(temp.path, 'clear-source');
    await mkdir(source, { recursive: true });
    const run = await station('cleared', { folder: source });
    expect(await activeAlert(run, 'backup-not-enabled')).toBeUndefined();

    const cleared = await run('config', 'clear', '--yes');
    expect(cleared.code, cleared.err).toBe(0);
    expect(await activeAlert(run, 'backup-not-enabled')).toMatchObject({
      severity: 'warning',
      title: 'Backup is not enabled for the location.',
      remediation: expect.stringContaining('infra-backup config set'),
    });
    // Not configured is not "automatic backups disabled" as well.
    expect(await activeAlert(run, 'automatic-backups-disabled')).toBeUndefined();

    const saved = await run(
      'config',
      'set',
      '--path',
      `${server.uncPath}\\cleared`,
      '--username',
      `${server.workgroup}\\${server.username}`,
      '--password-stdin',
      '--smb-port',
      String(server.port),
      '--cert',
      cer,
    );
    expect(saved.code, saved.err).toBe(0);
    expect(await activeAlert(run, 'backup-not-enabled')).toBeUndefined();
  });

  it('the almost-full threshold is a setting: config set --almost-full-percent N, shown by config show, checked against its range', async () => {
    const source = join(temp.path, 'threshold-source');
    await mkdir(source, { recursive: true });
    const run = await station('threshold', { folder: source });
    expect(JSON.parse((await run('config', 'show')).out)).toMatchObject({ almostFullPercent: 80 });

    const set = await run('config', 'set', '--almost-full-percent', '92');
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse((await run('config', 'show')).out)).toMatchObject({ almostFullPercent: 92 });

    const refused = await run('config', 'set', '--almost-full-percent', '40');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.err)).toMatchObject({
      error: { code: 'invalid-input', field: 'almostFullPercent', message: expect.stringContaining('from 50 to 99') },
    });
    // Nothing already stored is lost.
    expect(JSON.parse((await run('config', 'show')).out)).toMatchObject({ almostFullPercent: 92 });
  });
});
