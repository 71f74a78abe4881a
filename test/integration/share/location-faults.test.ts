/**
 * Issue 10.3 as an operator sees it: a share or backup folder that does not
 * exist is a path failure (exit 3, category named), never "no backups";
 * an absent MASBackup folder in an existing backup folder is "no backups".
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, configSetOnSamba } from '../../support/cli';
import { startSamba, type SambaServer } from '../../support/samba';
import { testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

describe('backup list on a location that cannot be resolved, against a real Samba server', () => {
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

  async function configured(location: string, name: string): Promise<string> {
    const config = join(temp.path, name);
    // These locations are wrong on purpose: saved without the connection test that would refuse them.
    await configSetOnSamba(server, config, cer, { location, args: ['--skip-share-test'] });
    return config;
  }

  it('a share name the server does not have: exit 3, category path', async () => {
    const config = await configured(`\\\\${server.host}\\nosuchshare\\typo`, 'no-share');
    const listed = await cli(['--json', '--config-dir', config, 'backup', 'list']);
    expect(listed.code, listed.out + listed.err).toBe(3);
    expect(listed.out + listed.err).toMatch(/"category":\s*"path"/);
  });

  it('a backup folder that does not exist on the share: exit 3, category path', async () => {
    const config = await configured(`${server.uncPath}\\no-such-folder`, 'no-folder');
    const listed = await cli(['--json', '--config-dir', config, 'backup', 'list']);
    expect(listed.code, listed.out + listed.err).toBe(3);
    expect(listed.out + listed.err).toMatch(/"category":\s*"path"/);
  });

  it('an existing backup folder without MASBackup: no backups, exit 0', async () => {
    await mkdir(join(server.shareDir, 'fresh'), { recursive: true });
    const config = await configured(`${server.uncPath}\\fresh`, 'fresh');
    const listed = await cli(['--json', '--config-dir', config, 'backup', 'list']);
    expect(listed.code, listed.err).toBe(0);
    expect(JSON.parse(listed.out)).toEqual([]);
  });
});
