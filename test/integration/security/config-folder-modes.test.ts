import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

/** Every entry under dir (links included, not followed), with its mode. */
function walk(dir: string): { path: string; mode: number; kind: 'folder' | 'file' | 'link' }[] {
  const found: { path: string; mode: number; kind: 'folder' | 'file' | 'link' }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = lstatSync(path);
    const kind = info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'folder' : 'file';
    found.push({ path, mode: info.mode & 0o777, kind });
    if (kind === 'folder') found.push(...walk(path));
  }
  return found;
}

/** Whether the unprivileged user `nobody` can read the file or list the folder. */
function nobodyCanRead(path: string, kind: 'folder' | 'file'): boolean {
  const command = kind === 'folder' ? ['ls', path] : ['cat', path];
  return spawnSync('runuser', ['-u', 'nobody', '--', ...command], { stdio: 'ignore' }).status === 0;
}

describe('the config folder belongs to its user only', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  const c = (...args: string[]) => ['--json', '--config-dir', config, ...args];

  beforeEach(async () => {
    temp = await makeTempDir();
    // A parent others can traverse, like a home folder: only the config folder's own modes protect it.
    chmodSync(temp.path, 0o755);
    config = join(temp.path, 'config');
  });
  afterEach(async () => temp.remove());

  it('a new install: the folder is 0700, every folder in it 0700, every file 0600, and nobody reads any', async () => {
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    const share = join(temp.path, 'share');
    expect((await cli(c('config', 'set', '--path', share, '--cert', cer))).code).toBe(0);
    expect((await cli(c('sources', 'add', 'dump', '--command', 'printf secret-token=hunter2'))).code).toBe(0);
    expect((await cli(c('backup', 'start', '--wait'))).code).toBe(0);
    expect((await cli(c('sources', 'remove', 'dump'))).code).toBe(0);
    // the sample stamp is written by a backup without sources
    expect((await cli(c('backup', 'start', '--wait'))).code).toBe(0);
    expect((await cli(c('schedule', 'disable'))).code).toBe(0);

    expect(statSync(config).mode & 0o777).toBe(0o700);
    const entries = walk(config);
    const names = entries.map((e) => e.path.slice(config.length + 1));
    expect(names).toEqual(expect.arrayContaining(['settings.json', 'sources.json', 'history.jsonl', 'schedule.json', 'sample-stamp']));
    for (const entry of entries) {
      expect({ path: entry.path, mode: entry.mode & (entry.kind === 'folder' ? 0o777 : 0o077) }).toEqual({
        path: entry.path,
        mode: entry.kind === 'folder' ? 0o700 : 0,
      });
      if (entry.kind !== 'link') expect(nobodyCanRead(entry.path, entry.kind), entry.path).toBe(false);
    }
    expect(nobodyCanRead(config, 'folder')).toBe(false);
    // the check itself can tell: nobody reads a file that is readable by others
    const open = join(temp.path, 'readable.txt');
    writeFileSync(open, 'x', { mode: 0o644 });
    expect(nobodyCanRead(open, 'file')).toBe(true);
  });

  it('an existing install is fixed on start, without following links out of the folder', async () => {
    // What an older version left: a 0755 folder, 0644 files (sources.json with a command), a 0755 subfolder.
    mkdirSync(join(config, 'sample-stamp', 'identity'), { recursive: true, mode: 0o755 });
    chmodSync(config, 0o755);
    writeFileSync(
      join(config, 'sources.json'),
      JSON.stringify({ sources: [{ name: 'db', kind: 'command', command: 'dump --password=hunter2', timeoutSeconds: 60 }] }),
      { mode: 0o644 },
    );
    writeFileSync(join(config, 'history.jsonl'), '', { mode: 0o666 });
    writeFileSync(join(config, 'sample-stamp', 'identity', 'users.json'), '{}', { mode: 0o644 });
    const outside = join(temp.path, 'operator-notes.txt');
    writeFileSync(outside, "not the console's", { mode: 0o644 });
    symlinkSync(outside, join(config, 'notes-link'));

    const shown = await cli(c('sources', 'list'));
    expect(shown.code, shown.err).toBe(0);

    expect(statSync(config).mode & 0o777).toBe(0o700);
    expect(statSync(join(config, 'sample-stamp')).mode & 0o777).toBe(0o700);
    expect(statSync(join(config, 'sample-stamp', 'identity')).mode & 0o777).toBe(0o700);
    for (const file of ['sources.json', 'history.jsonl', join('sample-stamp', 'identity', 'users.json')]) {
      expect(statSync(join(config, file)).mode & 0o777, file).toBe(0o600);
      expect(nobodyCanRead(join(config, file), 'file')).toBe(false);
    }
    expect(statSync(outside).mode & 0o777).toBe(0o644);
    expect(execFileSync('cat', [outside], { encoding: 'utf8' })).toBe("not the console's");
  });

  it('a config folder reached through a link of the operator is tightened too', async () => {
    const real = join(temp.path, 'real-config');
    mkdirSync(real, { mode: 0o755 });
    writeFileSync(join(real, 'sources.json'), JSON.stringify({ sources: [] }), { mode: 0o644 });
    symlinkSync(real, config);
    expect((await cli(c('sources', 'list'))).code).toBe(0);
    expect(statSync(real).mode & 0o777).toBe(0o700);
    expect(statSync(join(real, 'sources.json')).mode & 0o777).toBe(0o600);
  });
});
