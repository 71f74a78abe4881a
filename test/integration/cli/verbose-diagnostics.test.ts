import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logFilePath } from '../../../main/engine/app/logger';
import { cli, configSetOnSamba } from '../../support/cli';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';

// A wrong password is the failure an operator most needs the technical cause of, and the one
// where leaking the secret into that cause would hurt most.
describe('CLI diagnostics: --verbose and the log file in the config folder', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  const wrongPassword = 'Wr0ng-but-Secret-Passw0rd';

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.contoso.com.cer');
    const made = await cli(
      ['--config-dir', config, 'cert', 'new', '--dns-name', 'backup.contoso.com', '--out', temp.path, '--pfx-password-stdin'],
      'pfx password 123\n',
    );
    expect(made.code, made.err).toBe(0);
    // The wrong password is the point: saved without the connection test that would refuse it.
    await configSetOnSamba(server, config, cer, { password: wrongPassword, args: ['--skip-share-test'] });
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  it('a failing share test with --verbose prints the technical cause; the log file has it; neither has the password', async () => {
    const tested = await cli(['--config-dir', config, '--verbose', 'share', 'test']);
    expect(tested.code, tested.err).toBe(3);
    expect(tested.err).toContain('category: authentication');
    // smbclient's own words, which only the technical cause carries
    expect(tested.err, tested.err).toMatch(/cause: .*NT_STATUS_LOGON_FAILURE/);
    expect(tested.err + tested.out).not.toContain(wrongPassword);

    const log = await readFile(logFilePath(config), 'utf8');
    expect(log).toMatch(/NT_STATUS_LOGON_FAILURE/);
    expect(log).not.toContain(wrongPassword);
    expect((await stat(logFilePath(config))).mode & 0o777).toBe(0o600);
  });

  it('without --verbose stderr keeps to the operator message; the log file still gets the cause', async () => {
    const before = (await readFile(logFilePath(config), 'utf8')).length;
    const tested = await cli(['--config-dir', config, 'share', 'test']);
    expect(tested.code).toBe(3);
    expect(tested.err).not.toContain('NT_STATUS_LOGON_FAILURE');
    const added = (await readFile(logFilePath(config), 'utf8')).slice(before);
    expect(added).toMatch(/NT_STATUS_LOGON_FAILURE/);
    expect(added).not.toContain(wrongPassword);
  });
});
