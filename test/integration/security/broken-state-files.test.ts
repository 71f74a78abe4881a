import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

describe('a state file that cannot be used is named, kept aside, and nothing guesses', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  const c = (...args: string[]) => ['--config-dir', config, ...args];
  const aside = (prefix: string) => readdirSync(config).filter((name) => name.startsWith(prefix));

  beforeEach(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    expect((await cli(c('config', 'set', '--path', join(temp.path, 'share'), '--cert', cer))).code).toBe(0);
  });
  afterEach(async () => temp.remove());

  it('a truncated sources.json: exit 2 naming the file, kept aside; backups stay stopped until the sources are defined again', async () => {
    expect((await cli(c('sources', 'add', 'ca', '--folder', temp.path))).code).toBe(0);
    const file = join(config, 'sources.json');
    const whole = readFileSync(file, 'utf8');
    writeFileSync(file, whole.slice(0, 12));

    const listed = await cli(c('sources', 'list'));
    expect(listed.code).toBe(2);
    expect(listed.err).toContain(file);
    expect(listed.err).toContain('not valid JSON');
    const kept = aside('sources.corrupt-');
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(config, kept[0]!), 'utf8')).toBe(whole.slice(0, 12));
    expect(listed.err).toContain(kept[0]);

    // Other commands are not broken by it; a backup does not quietly take the sample stamp instead.
    expect((await cli(c('config', 'show'))).code).toBe(0);
    const backup = await cli(c('backup', 'start', '--wait'));
    expect(backup.code).toBe(2);
    expect(backup.err).toContain(kept[0]);
    expect(existsSync(join(temp.path, 'share', 'MASBackup'))).toBe(false);

    // Defining the sources again ends it.
    expect((await cli(c('sources', 'add', 'ca', '--folder', temp.path))).code).toBe(0);
    expect((await cli(c('backup', 'start', '--wait'))).code).toBe(0);
  });

  it('a sources.json with a wrong shape is kept aside with the rule it breaks', async () => {
    writeFileSync(join(config, 'sources.json'), JSON.stringify({ sources: [{ name: 'x', kind: 'script' }] }));
    const listed = await cli(c('sources', 'list'));
    expect(listed.code).toBe(2);
    expect(listed.err).toMatch(/sources\.0\.kind/);
    expect(aside('sources.corrupt-')).toHaveLength(1);
  });

  it('a settings.json with a UTF-8 byte order mark (Windows editors) is read, not kept aside', async () => {
    const file = join(config, 'settings.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(file)]));
    const shown = await cli(c('--json', 'config', 'show'));
    expect(shown.code, shown.err).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ configured: true });
    expect(aside('settings.corrupt-')).toEqual([]);
  });

  it('a truncated schedule.json is kept aside, not overwritten by the next save', async () => {
    const file = join(config, 'schedule.json');
    expect((await cli(c('schedule', 'disable'))).code).toBe(0);
    writeFileSync(file, '{"anchor": "2026-');
    expect((await cli(c('schedule', 'enable'))).code).toBe(0);
    const kept = aside('schedule.corrupt-');
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(config, kept[0]!), 'utf8')).toBe('{"anchor": "2026-');
  });
});
