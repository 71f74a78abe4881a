/**
 * Test connection on the candidate (issue 10.1, engine and CLI): `share test`
 * takes the same share options as `config set` and tests what they name —
 * before the first save, without saving, never the saved location instead;
 * `config set` tests a changed location or account and refuses to save it
 * when the test fails, unless --skip-share-test. Against a real Samba server.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificate } from '../../support/backup-fixtures';
import { cli } from '../../support/cli';
import { startSamba, type SambaServer } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';

describe('the connection test of a candidate share', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let cer: string;
  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    cer = path.join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  const account = () => `${server.workgroup}\\${server.username}`;
  const shareArgs = (location: string) => [
    '--path',
    location,
    '--username',
    account(),
    '--password-stdin',
    '--smb-port',
    String(server.port),
  ];
  const configured = async (config: string): Promise<boolean> =>
    (JSON.parse((await cli(['--json', '--config-dir', config, 'config', 'show'])).out) as { configured: boolean }).configured;

  describe('share test with options, before the first save', () => {
    const config = () => path.join(temp.path, 'never-saved');

    it('the right share: exit 0, reports the location it was given, saves nothing', async () => {
      const location = `${server.uncPath}\\candidate`;
      const tested = await cli(['--json', '--config-dir', config(), 'share', 'test', ...shareArgs(location)], `${server.password}\n`);
      expect(tested.code, tested.err).toBe(0);
      const result = JSON.parse(tested.out) as { location: string; writable: boolean };
      expect(result).toMatchObject({ location: `${location} (port ${server.port})`, writable: true });
      expect(await readdir(path.join(server.shareDir, 'candidate'))).toEqual([]);
      expect(await configured(config())).toBe(false);
    });

    it('a share name the server does not have: exit 3, category path', async () => {
      const tested = await cli(
        ['--json', '--config-dir', config(), 'share', 'test', ...shareArgs(`\\\\${server.host}\\nosuchshare\\typo`)],
        `${server.password}\n`,
      );
      expect(tested.code).toBe(3);
      expect(JSON.parse(tested.err)).toMatchObject({ error: { code: 'share', category: 'path' } });
    });

    it('a wrong password: exit 3, category authentication, and the password is shown nowhere', async () => {
      const tested = await cli(['--json', '--config-dir', config(), 'share', 'test', ...shareArgs(server.uncPath)], 'not-the-password\n');
      expect(tested.code).toBe(3);
      expect(JSON.parse(tested.err)).toMatchObject({ error: { code: 'share', category: 'authentication' } });
      expect(tested.out + tested.err).not.toContain('not-the-password');
    });

    it('no password given and none stored: exit 2 naming the password', async () => {
      const tested = await cli(['--json', '--config-dir', config(), 'share', 'test', '--path', server.uncPath, '--username', account()]);
      expect(tested.code).toBe(2);
      expect(JSON.parse(tested.err)).toMatchObject({ error: { code: 'invalid-input', field: 'password' } });
    });
  });

  describe('config set tests a changed share before saving it', () => {
    const config = () => path.join(temp.path, 'saved');

    it('saves a share that passes the test', async () => {
      const set = await cli(
        ['--config-dir', config(), 'config', 'set', ...shareArgs(`${server.uncPath}\\good`), '--cert', cer],
        `${server.password}\n`,
      );
      expect(set.code, set.err).toBe(0);
      expect(await configured(config())).toBe(true);
    });

    it('refuses a wrong share name (exit 3, category path) and keeps the saved one; share test with options tests the candidate, not the saved share', async () => {
      const wrong = `\\\\${server.host}\\nosuchshare\\typo`;
      const set = await cli(['--json', '--config-dir', config(), 'config', 'set', ...shareArgs(wrong)], `${server.password}\n`);
      expect(set.code).toBe(3);
      const error = (JSON.parse(set.err) as { error: { category: string; message: string; remediation: string } }).error;
      expect(error).toMatchObject({ category: 'path' });
      expect(error.message).toMatch(/^Not saved/);
      expect(error.remediation).toMatch(/--skip-share-test/);
      const shown = JSON.parse((await cli(['--json', '--config-dir', config(), 'config', 'show'])).out) as { location: string };
      expect(shown.location).toBe(`${server.uncPath}\\good`);

      // The saved share is fine; the candidate is not: the test reports on the candidate.
      const tested = await cli(['--json', '--config-dir', config(), 'share', 'test', '--path', wrong]);
      expect(tested.code).toBe(3);
      expect(JSON.parse(tested.out)).toMatchObject({ location: `${wrong} (port ${server.port})`, writable: false });
    });

    it('refuses a wrong password (exit 3, authentication) unless --skip-share-test', async () => {
      const refused = await cli(['--json', '--config-dir', config(), 'config', 'set', '--password-stdin'], 'not-the-password\n');
      expect(refused.code).toBe(3);
      expect(JSON.parse(refused.err)).toMatchObject({ error: { category: 'authentication' } });
      expect((await cli(['--config-dir', config(), 'share', 'test'])).code).toBe(0);

      const skipped = await cli(['--config-dir', config(), 'config', 'set', '--skip-share-test', '--password-stdin'], 'not-the-password\n');
      expect(skipped.code, skipped.err).toBe(0);
      expect((await cli(['--config-dir', config(), 'share', 'test'])).code).toBe(3);
    });

    it('does not test when no share setting changes', async () => {
      const set = await cli(['--config-dir', config(), 'config', 'set', '--frequency', '6']);
      expect(set.code, set.err).toBe(0);
    });
  });
});
