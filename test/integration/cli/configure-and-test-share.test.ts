import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, configSetOnSamba } from '../../support/cli';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';

async function allFilesText(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath, entry.name))).toString('latin1');
  }
  return text;
}

describe('configure from the CLI and test the connection against a real Samba server', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let cer: string;

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const made = await cli(
      ['--json', '--config-dir', config, 'cert', 'new', '--dns-name', 'backup.contoso.com', '--out', temp.path, '--pfx-password-stdin'],
      'pfx password 123\n',
    );
    expect(made.code, made.err).toBe(0);
    cer = (JSON.parse(made.out) as { cer: string }).cer;
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  it('saves the configuration (steps 3–10 of the source document), never showing or storing the password in clear', async () => {
    const location = `${server.uncPath}\\contoso.com\\nyc`;
    const set = await configSetOnSamba(server, config, cer, { location, args: ['--json', '--frequency', '6', '--retention', '5'] });
    const shown = await cli(['--json', '--config-dir', config, 'config', 'show']);
    const view = JSON.parse(shown.out) as {
      configured: boolean;
      passwordSet: boolean;
      frequencyHours: number;
      retentionDays: number;
      encryption: { mode: string; certificate: { thumbprint: string } };
    };
    expect(view).toMatchObject({
      configured: true,
      passwordSet: true,
      frequencyHours: 6,
      retentionDays: 5,
      encryption: { mode: 'certificate' },
    });
    expect(shown.out + set.out + set.err).not.toContain(server.password);
    const stored = await allFilesText(config);
    expect(stored).not.toContain(server.password);
    expect(stored).not.toContain(Buffer.from(server.password).toString('base64'));
  });

  it('share test reaches, authenticates, writes a probe in the configured folder and reports capacity', async () => {
    const tested = await cli(['--json', '--config-dir', config, 'share', 'test']);
    expect(tested.code, tested.err + tested.out).toBe(0);
    const result = JSON.parse(tested.out) as {
      reachable: boolean;
      authenticated: boolean;
      writable: boolean;
      dialect: string;
      freeBytes: number;
    };
    expect(result).toMatchObject({ reachable: true, authenticated: true, writable: true });
    expect(result.dialect).toMatch(/SMB3/);
    expect(result.freeBytes).toBeGreaterThan(0);
    // the configured sub-folders were created, and the probe file removed
    expect(await readdir(join(server.shareDir, 'contoso.com', 'nyc'))).toEqual([]);
  });

  it('exits 3 with category authentication when the password is wrong', async () => {
    const set = await cli(['--config-dir', config, 'config', 'set', '--skip-share-test', '--password-stdin'], 'not-the-password\n');
    expect(set.code, set.err).toBe(0);
    const tested = await cli(['--json', '--config-dir', config, 'share', 'test']);
    expect(tested.code).toBe(3);
    expect(JSON.parse(tested.err)).toMatchObject({ error: { code: 'share', category: 'authentication' } });
    expect(tested.out + tested.err).not.toContain('not-the-password');
  });

  it('exits 3 with category connectivity when nothing listens on the port', async () => {
    const set = await cli(
      ['--config-dir', config, 'config', 'set', '--skip-share-test', '--smb-port', '1', '--password-stdin'],
      `${server.password}\n`,
    );
    expect(set.code, set.err).toBe(0);
    const tested = await cli(['--json', '--config-dir', config, 'share', 'test']);
    expect(tested.code).toBe(3);
    expect(JSON.parse(tested.err)).toMatchObject({ error: { category: 'connectivity' } });
  });
});
