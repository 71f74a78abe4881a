import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { PFX_PASSWORD, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

const NOBODY = 65534;

describe('files the console writes outside its config folder', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  /** A folder every user may write to, like /tmp. */
  let shared: string;
  let config: string;
  const c = (...args: string[]) => ['--config-dir', config, ...args];

  beforeAll(async () => {
    temp = await makeTempDir();
    chmodSync(temp.path, 0o755);
    shared = join(temp.path, 'shared');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(shared, 0o1777);
    config = join(temp.path, 'config');
  });
  afterAll(async () => temp?.remove());

  it('cert new --out: the .pfx is 0600 in a new 0700 folder; never over an existing file or through a planted link, nothing half left', async () => {
    const out = join(temp.path, 'keys');
    const made = await cli(c('cert', 'new', '--dns-name', 'fresh.contoso.com', '--out', out, '--pfx-password-stdin'), `${PFX_PASSWORD}\n`);
    expect(made.code, made.err).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'fresh.contoso.com.pfx')).mode & 0o777).toBe(0o600);
    const again = await cli(c('cert', 'new', '--dns-name', 'fresh.contoso.com', '--out', out, '--pfx-password-stdin'), `${PFX_PASSWORD}\n`);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');

    // Another user prepared the names in a shared folder: a link to the operator's file, and a file of their own.
    const operatorFile = join(temp.path, 'operator-file');
    writeFileSync(operatorFile, 'keep');
    symlinkSync(operatorFile, join(shared, 'linked.contoso.com.pfx'));
    const linked = await cli(
      c('cert', 'new', '--dns-name', 'linked.contoso.com', '--out', shared, '--pfx-password-stdin'),
      `${PFX_PASSWORD}\n`,
    );
    expect(linked.code).toBe(2);
    expect(readFileSync(operatorFile, 'utf8')).toBe('keep');
    const planted = join(shared, 'planted.contoso.com.pfx');
    writeFileSync(planted, '', { mode: 0o666 });
    chownSync(planted, NOBODY, NOBODY);
    const intoPlanted = await cli(
      c('cert', 'new', '--dns-name', 'planted.contoso.com', '--out', shared, '--pfx-password-stdin'),
      `${PFX_PASSWORD}\n`,
    );
    expect(intoPlanted.code).toBe(2);
    expect(readFileSync(planted).length).toBe(0); // the private key never went into their file
    // A planted .cer stops it after the .pfx was written: the .pfx is removed again.
    symlinkSync(operatorFile, join(shared, 'half.contoso.com.cer'));
    const half = await cli(
      c('cert', 'new', '--dns-name', 'half.contoso.com', '--out', shared, '--pfx-password-stdin'),
      `${PFX_PASSWORD}\n`,
    );
    expect(half.code).toBe(2);
    expect(readdirSync(shared).filter((name) => name.startsWith('half.'))).toEqual(['half.contoso.com.cer']);
    expect(readFileSync(operatorFile, 'utf8')).toBe('keep');
  });

  it('config export replaces a planted link instead of writing through it, with a 0600 file of ours', async () => {
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    expect((await cli(c('config', 'set', '--path', join(temp.path, 'share'), '--cert', cer))).code).toBe(0);
    const operatorFile = join(temp.path, 'operator-notes');
    writeFileSync(operatorFile, 'notes');
    const exported = join(temp.path, 'export.json');
    symlinkSync(operatorFile, exported);
    expect((await cli(c('config', 'export', exported))).code).toBe(0);
    expect(readFileSync(operatorFile, 'utf8')).toBe('notes');
    expect(lstatSync(exported).isSymbolicLink()).toBe(false);
    expect(statSync(exported).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toHaveProperty('properties');
    expect(readdirSync(temp.path).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('restore --out refuses a planted link and a folder of another user', async () => {
    const source = join(temp.path, 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'db-password'), 'hunter2', { mode: 0o600 });
    expect((await cli(c('sources', 'add', 'secrets', '--folder', source))).code).toBe(0);
    const backup = await cli(c('--json', 'backup', 'start', '--wait'));
    expect(backup.code, backup.err).toBe(0);
    const id = (JSON.parse(backup.out) as { backupId: string }).backupId;
    const pfx = join(temp.path, 'backup.pfx');
    await writeFile(pfx, testCertificate().pfxDer);

    const theirs = join(shared, 'their-folder');
    mkdirSync(theirs, { mode: 0o777 });
    chownSync(theirs, NOBODY, NOBODY);
    const link = join(shared, 'restore-here');
    symlinkSync(theirs, link);
    for (const target of [link, theirs]) {
      const restored = await cli(c('backup', 'restore', id, '--out', target, '--pfx', pfx, '--pfx-password-stdin'), `${PFX_PASSWORD}\n`);
      expect(restored.code, target).toBe(2);
      expect(restored.err).toContain('link or belongs to another user');
    }
    expect(readdirSync(theirs)).toEqual([]);
    const own = join(temp.path, 'restored');
    const restored = await cli(c('backup', 'restore', id, '--out', own, '--pfx', pfx, '--pfx-password-stdin'), `${PFX_PASSWORD}\n`);
    expect(restored.code, restored.err).toBe(0);
    expect(readFileSync(join(own, 'secrets', 'db-password'), 'utf8')).toBe('hunter2');
  });
});
