import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { makeSourceTree, makeTestCertificate, PFX_PASSWORD, testCertificate, treeDigest } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

describe('backup, schedule, retention and timeline commands (local-folder location)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let source: string;
  let pfx: string;
  let backupId: string;
  const c = (...args: string[]) => ['--json', '--config-dir', config, ...args];

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    source = join(temp.path, 'source');
    await makeSourceTree(source);
    const cer = join(temp.path, 'backup.cer');
    pfx = join(temp.path, 'backup.pfx');
    await writeFile(cer, testCertificate().cerDer);
    await writeFile(pfx, testCertificate().pfxDer);
    const set = await cli(c('config', 'set', '--path', join(temp.path, 'share'), '--cert', cer, '--retention', '7'));
    expect(set.code, set.err).toBe(0);
    expect((await cli(c('sources', 'add', 'files', '--folder', source))).code).toBe(0);
  });
  afterAll(async () => temp?.remove());

  it('sources list shows the operator sources; the sample stamp only when there are none', async () => {
    const listed = JSON.parse((await cli(c('sources', 'list'))).out) as Array<{ name: string; builtIn: boolean }>;
    expect(listed).toEqual([expect.objectContaining({ name: 'files', builtIn: false })]);
    expect((await cli(c('sources', 'add', 'bad name', '--folder', source))).code).toBe(2);
  });

  it('backup start --wait, list, verify (keyless and with the .pfx), restore', async () => {
    const started = await cli(c('backup', 'start', '--wait'));
    expect(started.code, started.err).toBe(0);
    backupId = (JSON.parse(started.out) as { backupId: string }).backupId;
    const list = JSON.parse((await cli(c('backup', 'list'))).out) as Array<{ backupId: string; status: string; expiresAt: string | null }>;
    expect(list).toEqual([expect.objectContaining({ backupId, status: 'Succeeded', expiresAt: null })]);
    // For people, the newest successful backup's missing expiry is said in words, not "-".
    const human = await cli(['--config-dir', config, 'backup', 'list']);
    expect(human.out).toMatch(/^expiresAt\s+kept \(retention does not delete it\)$/m);
    expect((await cli(c('backup', 'verify', backupId))).code).toBe(0);
    const deep = await cli(c('backup', 'verify', backupId, '--pfx', pfx, '--pfx-password-stdin'), `${PFX_PASSWORD}\n`);
    expect(deep.code, deep.err).toBe(0);
    expect(JSON.parse(deep.out)).toMatchObject({ ok: true, deep: true });
    const target = join(temp.path, 'restored');
    const restored = await cli(
      c('backup', 'restore', backupId, '--out', target, '--pfx', pfx, '--pfx-password-stdin'),
      `${PFX_PASSWORD}\n`,
    );
    expect(restored.code, restored.err).toBe(0);
    expect(await treeDigest(join(target, 'files'))).toEqual(await treeDigest(source));
    expect(deep.out + deep.err + restored.out + restored.err).not.toContain(PFX_PASSWORD);
  });

  it("backup check-key confirms the .pfx and closes the unconfirmed-.pfx alert; another certificate's .pfx exits 4; a verify with the .pfx confirms it too", async () => {
    const station = async (name: string): Promise<string[]> => {
      const dir = join(temp.path, name);
      const args = (...rest: string[]) => ['--json', '--config-dir', dir, ...rest];
      expect(
        (await cli(args('config', 'set', '--path', join(temp.path, `${name}-share`), '--cert', join(temp.path, 'backup.cer')))).code,
      ).toBe(0);
      expect((await cli(args('sources', 'add', 'files', '--folder', source))).code).toBe(0);
      expect((await cli(args('backup', 'start', '--wait'))).code).toBe(0);
      return args('alerts');
    };
    const alertKinds = async (args: string[]) => (JSON.parse((await cli(args)).out) as Array<{ kind: string }>).map((alert) => alert.kind);

    const checked = await station('check-key');
    expect(await alertKinds(checked)).toContain('unconfirmed-recovery-key');
    const otherPfx = join(temp.path, 'other.pfx');
    await writeFile(otherPfx, makeTestCertificate().pfxDer);
    const dir = checked[2]!;
    const other = await cli(
      ['--json', '--config-dir', dir, 'backup', 'check-key', '--pfx', otherPfx, '--pfx-password-stdin'],
      `${PFX_PASSWORD}\n`,
    );
    expect(other.code).toBe(4);
    expect(JSON.parse(other.out)).toMatchObject({ matchesCurrentCertificate: false, opensNewestBackup: false });
    expect(await alertKinds(checked)).toContain('unconfirmed-recovery-key');
    // A pause stands meanwhile: the one-shot command's re-evaluation must keep it (it reads the schedule), not close it to be raised anew.
    expect((await cli(['--config-dir', dir, 'schedule', 'pause', '--until', '+2h', '--reason', 'maintenance'])).code).toBe(0);
    const pausedAlert = async () =>
      (JSON.parse((await cli(checked)).out) as Array<{ kind: string; raisedAt: string }>).find((alert) => alert.kind === 'backups-paused');
    const pausedBefore = await pausedAlert();
    expect(pausedBefore).toBeDefined();
    const right = await cli(
      ['--json', '--config-dir', dir, 'backup', 'check-key', '--pfx', pfx, '--pfx-password-stdin'],
      `${PFX_PASSWORD}\n`,
    );
    expect(right.code, right.err).toBe(0);
    expect(JSON.parse(right.out)).toMatchObject({ matchesCurrentCertificate: true, opensNewestBackup: true });
    expect(await alertKinds(checked)).not.toContain('unconfirmed-recovery-key');
    expect(await pausedAlert()).toEqual(pausedBefore);
    expect(right.out + right.err).not.toContain(PFX_PASSWORD);

    const verified = await station('verify-confirms');
    const verifiedDir = verified[2]!;
    const [newest] = JSON.parse((await cli(['--json', '--config-dir', verifiedDir, 'backup', 'list'])).out) as Array<{ backupId: string }>;
    const deep = await cli(
      ['--json', '--config-dir', verifiedDir, 'backup', 'verify', newest!.backupId, '--pfx', pfx, '--pfx-password-stdin'],
      `${PFX_PASSWORD}\n`,
    );
    expect(deep.code, deep.err).toBe(0);
    expect(await alertKinds(verified)).not.toContain('unconfirmed-recovery-key');
  });

  it('exits 4 when verification fails and when the .pfx password is wrong', async () => {
    const wrong = await cli(c('backup', 'verify', backupId, '--pfx', pfx, '--pfx-password-stdin'), 'not the password\n');
    expect(wrong.code).toBe(4);
    expect(JSON.parse(wrong.err)).toMatchObject({ error: { code: 'wrong-key' } });
    const file = join(temp.path, 'share', 'MASBackup', backupId, 'files.bin');
    const original = await readFile(file);
    const damaged = Buffer.from(original);
    damaged[100]! ^= 1;
    await writeFile(file, damaged);
    try {
      expect((await cli(c('backup', 'verify', backupId))).code).toBe(4);
    } finally {
      await writeFile(file, original);
    }
  });

  it('schedule disable/enable, shown by config show and the timeline', async () => {
    const disabled = JSON.parse((await cli(c('schedule', 'disable'))).out) as { enabled: boolean; nextBackupTime: string | null };
    expect(disabled).toMatchObject({ enabled: false, nextBackupTime: null });
    expect(JSON.parse((await cli(c('config', 'show'))).out)).toMatchObject({ automaticBackups: false });
    const enabled = JSON.parse((await cli(c('schedule', 'enable'))).out) as { enabled: boolean; nextBackupTime: string };
    expect(enabled.enabled).toBe(true);
    expect(Date.parse(enabled.nextBackupTime)).toBeGreaterThan(Date.now());
    expect(JSON.parse((await cli(c('config', 'show'))).out)).toMatchObject({ nextBackupTime: enabled.nextBackupTime });
    const timeline = JSON.parse((await cli(c('timeline'))).out) as Array<{ kind: string; trigger?: string }>;
    expect(timeline.some((e) => e.kind === 'run-finished' && e.trigger === 'on-demand')).toBe(true);
    expect(timeline.filter((e) => e.kind === 'schedule-changed').length).toBeGreaterThanOrEqual(2);
    expect((await cli(c('timeline', '--kind', 'nonsense'))).code).toBe(2);
  });

  it('schedule pause --until --reason / resume; backup start asks for --force while paused; alerts show the pause', async () => {
    expect((await cli(c('schedule', 'pause', '--until', '+4h'))).code).toBe(2);
    expect((await cli(c('schedule', 'pause', '--until', 'tomorrow', '--reason', 'update'))).code).toBe(2);
    const paused = await cli(c('schedule', 'pause', '--until', '+4h', '--reason', 'Azure Stack Hub update'));
    expect(paused.code, paused.err).toBe(0);
    const view = JSON.parse(paused.out) as { pause: { until: string; reason: string } };
    expect(view.pause.reason).toBe('Azure Stack Hub update');
    expect(Date.parse(view.pause.until) - Date.now()).toBeGreaterThan(3.9 * 3_600_000);
    const alerts = JSON.parse((await cli(c('alerts'))).out) as Array<{ kind: string; title: string }>;
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'backups-paused', title: 'Infrastructure backups are paused.' }));

    const refused = await cli(c('backup', 'start', '--wait'));
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.err)).toMatchObject({
      error: { code: 'confirmation-required', message: expect.stringContaining('Azure Stack Hub update') },
    });
    const forced = await cli(['--config-dir', config, 'backup', 'start', '--wait', '--force']);
    expect(forced.code, forced.err).toBe(0);
    // For people, as in `backup list`: the backup just taken is the newest, which retention keeps.
    expect(forced.out).toMatch(/^status\s+Succeeded$/m);
    expect(forced.out).toMatch(/^expiresAt\s+kept \(retention does not delete it\)$/m);

    const resumed = await cli(c('schedule', 'resume'));
    expect(JSON.parse(resumed.out)).toMatchObject({ pause: null });
    const after = JSON.parse((await cli(c('alerts'))).out) as Array<{ kind: string }>;
    expect(after.map((alert) => alert.kind)).not.toContain('backups-paused');
  });

  it('retention preview, and config set --retention asks for --yes only when it would delete', async () => {
    const preview = JSON.parse((await cli(c('retention', 'preview', '--days', '2'))).out) as { toDelete: unknown[] };
    expect(preview.toDelete).toEqual([]);
    expect((await cli(c('retention', 'preview', '--days', '1'))).code).toBe(2);
    // nothing to delete: no confirmation needed
    expect((await cli(c('config', 'set', '--retention', '5'))).code).toBe(0);
  });

  it('config clear asks for --yes, then forgets location, account and certificate; the backups and the timeline stay', async () => {
    const before = await readdir(join(temp.path, 'share', 'MASBackup'));
    const refused = await cli(c('config', 'clear'));
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.err)).toMatchObject({ error: { code: 'confirmation-required' } });
    expect(JSON.parse((await cli(c('config', 'show'))).out)).toMatchObject({ configured: true });

    const cleared = await cli(c('config', 'clear', '--yes'));
    expect(cleared.code, cleared.err).toBe(0);
    expect(JSON.parse(cleared.out)).toMatchObject({ configured: false, location: '', encryption: { mode: 'none' } });
    expect(await readdir(join(temp.path, 'share', 'MASBackup'))).toEqual(before);
    const timeline = JSON.parse((await cli(c('timeline'))).out) as Array<{ kind: string; summary: string }>;
    expect(timeline.some((e) => e.kind === 'run-finished')).toBe(true);
    expect(timeline.some((e) => e.summary.startsWith('Backup configuration cleared'))).toBe(true);
    const started = await cli(c('backup', 'start'));
    expect(started.code).toBe(2);
    expect(JSON.parse(started.err)).toMatchObject({ error: { code: 'not-configured' } });
  });
});
