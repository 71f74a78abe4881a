import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';
import { cli } from '../../support/cli';
import { PFX_PASSWORD, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT } from '../../support/web-console';

/** The built CLI as a real process whose standard input never ends (`yes | infra-backup …`); resolves with its exit status. */
function runWithEndlessStdin(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: PROJECT_ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const line = Buffer.alloc(64 * 1024, 'y\n');
    const feed = (): void => {
      while (child.stdin.writable && child.stdin.write(line));
      if (child.stdin.writable) child.stdin.once('drain', feed);
    };
    child.stdin.on('error', () => undefined); // EPIPE once the CLI stops reading: that is the point
    feed();
    child.once('exit', (code) => resolve({ code, err }));
  });
}

describe('inputs: every bad one is exit 2 with its reason, nothing is read forever', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  let pfx: string;
  let thumbprint: string;
  const c = (...args: string[]) => ['--config-dir', config, ...args];

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const cer = join(temp.path, 'backup.cer');
    pfx = join(temp.path, 'backup.pfx');
    await writeFile(cer, testCertificate().cerDer);
    await writeFile(pfx, testCertificate().pfxDer);
    const set = await cli(c('--json', 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer));
    expect(set.code, set.err).toBe(0);
    thumbprint = (JSON.parse(set.out) as { encryption: { certificate: { thumbprint: string } } }).encryption.certificate.thumbprint;
  });
  afterAll(async () => temp?.remove());

  const currentThumbprint = async () =>
    (JSON.parse((await cli(c('--json', 'config', 'show'))).out) as { encryption: { certificate: { thumbprint: string } } }).encryption
      .certificate.thumbprint;

  it('config set --cert with an empty file: exit 2 naming it, the certificate unchanged', async () => {
    const empty = join(temp.path, 'empty.cer');
    await writeFile(empty, '');
    const set = await cli(c('config', 'set', '--cert', empty));
    expect(set.code).toBe(2);
    expect(set.err).toContain(`${empty} is empty`);
    expect(await currentThumbprint()).toBe(thumbprint);
  });

  it('config set --cert /dev/zero and an oversized .pfx stop at the size limit', async () => {
    const zero = await cli(c('config', 'set', '--cert', '/dev/zero'));
    expect(zero.code).toBe(2);
    expect(zero.err).toContain('more than 64 KiB');
    const big = join(temp.path, 'big.pfx');
    await writeFile(big, Buffer.alloc(65 * 1024, 1));
    const verify = await cli(c('backup', 'verify', 'x', '--pfx', big, '--pfx-password-stdin'), 'password\n');
    expect(verify.code).toBe(2);
    expect(verify.err).toContain('more than 64 KiB');
    expect(await currentThumbprint()).toBe(thumbprint);
  });

  it('a secret on standard input has a size limit, and an endless standard input is not read forever', async () => {
    const huge = await cli(c('config', 'set', '--password-stdin'), 'x'.repeat(17 * 1024));
    expect(huge.code).toBe(2);
    expect(huge.err).toContain('more than 16 KiB');
    const endless = await runWithEndlessStdin(c('config', 'set', '--password-stdin'));
    expect(endless.code).toBe(2);
    expect(endless.err).toContain('more than 16 KiB');
  });

  it('a secret of more than one line is refused before anything is written (a password given twice, as for a confirmation)', async () => {
    const out = join(temp.path, 'twice');
    const twice = await cli(
      c('--json', 'cert', 'new', '--dns-name', 'twice.contoso.com', '--out', out, '--pfx-password-stdin'),
      'pfxpass123\npfxpass123\n',
    );
    expect(twice.code).toBe(2);
    expect(JSON.parse(twice.err)).toMatchObject({
      error: { code: 'invalid-input', field: 'pfx-password', message: expect.stringContaining('more than one line') },
    });
    expect(twice.err).not.toContain('pfxpass123');
    await expect(readdir(out)).rejects.toThrow();
    const password = await cli(c('config', 'set', '--password-stdin', '--skip-share-test'), 'one\r\ntwo\r\n');
    expect(password.code).toBe(2);
    expect(await currentThumbprint()).toBe(thumbprint);
    // The password of a .pfx that exists is taken as given: one made earlier with a two-line password still opens.
    const older = join(temp.path, 'two-line-password.pfx');
    await writeFile(older, generateSelfSignedCertificate({ dnsName: 'older.contoso.com', pfxPassword: 'pfxpass123\npfxpass123' }).pfxDer);
    const check = await cli(c('--json', 'backup', 'check-key', '--pfx', older, '--pfx-password-stdin'), 'pfxpass123\npfxpass123\n');
    expect(check.err).not.toContain('more than one line');
    expect(check.err).not.toContain('could not be opened');
    // One line with its line end (echo, or a Windows console's CRLF) is one line.
    const once = await cli(c('cert', 'new', '--dns-name', 'once.contoso.com', '--out', out, '--pfx-password-stdin'), 'pfxpass123\r\n');
    expect(once.code, once.err).toBe(0);
  });

  it('web --port <in use> and an impossible port: exit 2 with the reason', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const web = await cli(c('web', '--port', String(port)));
      expect(web.code).toBe(2);
      expect(web.err).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      holder.close();
    }
    const impossible = await cli(c('web', '--port', '70000'));
    expect(impossible.code).toBe(2);
    expect(impossible.err).toContain('from 1 to 65535');
  });

  it('restore --out <an existing file>: exit 2; restoring a Failed backup: exit 4, nothing to restore, nothing written', async () => {
    expect((await cli(c('sources', 'add', 'broken', '--command', 'exit 3'))).code).toBe(0);
    const failed = await cli(c('--json', 'backup', 'start', '--wait'));
    const failedId = (JSON.parse(failed.out) as { backupId: string; status: string }).backupId;
    expect(JSON.parse(failed.out)).toMatchObject({ status: 'Failed' });
    expect((await cli(c('sources', 'remove', 'broken'))).code).toBe(0);
    const good = await cli(c('--json', 'backup', 'start', '--wait'));
    expect(good.code, good.err).toBe(0);
    const goodId = (JSON.parse(good.out) as { backupId: string }).backupId;

    const file = join(temp.path, 'existing-file');
    await writeFile(file, 'keep me');
    const onFile = await cli(c('backup', 'restore', goodId, '--out', file, '--pfx', pfx, '--pfx-password-stdin'), `${PFX_PASSWORD}\n`);
    expect(onFile.code).toBe(2);
    expect(onFile.err).toContain('is a file, not a folder');

    const target = join(temp.path, 'from-failed');
    const fromFailed = await cli(
      c('backup', 'restore', failedId, '--out', target, '--pfx', pfx, '--pfx-password-stdin'),
      `${PFX_PASSWORD}\n`,
    );
    expect(fromFailed.code).toBe(4);
    expect(fromFailed.err).toContain('nothing to restore');
    expect(existsSync(target)).toBe(false);
  });
});
