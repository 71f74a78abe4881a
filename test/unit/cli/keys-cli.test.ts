import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';

describe('cert and key commands', () => {
  it('cert new writes a public .cer and a 0600 .pfx, and cert inspect shows the same thumbprint as openssl', async () => {
    const temp = await makeTempDir();
    try {
      const made = await cli(
        [
          '--json',
          '--config-dir',
          temp.path,
          'cert',
          'new',
          '--dns-name',
          'backup.contoso.com',
          '--out',
          temp.path,
          '--pfx-password-stdin',
        ],
        'correct horse battery\n',
      );
      expect(made.code, made.err).toBe(0);
      const result = JSON.parse(made.out) as { cer: string; pfx: string; thumbprint: string };
      expect(statSync(result.pfx).mode & 0o777).toBe(0o600);
      const fingerprint = execFileSync('openssl', [
        'x509',
        '-inform',
        'DER',
        '-in',
        result.cer,
        '-noout',
        '-fingerprint',
        '-sha1',
      ]).toString();
      expect(fingerprint.split('=')[1]!.trim().replace(/:/g, '')).toBe(result.thumbprint);
      const inspected = await cli(['--json', 'cert', 'inspect', result.cer]);
      expect((JSON.parse(inspected.out) as { thumbprint: string }).thumbprint).toBe(result.thumbprint);
      // the password never reaches the output
      expect(made.out + made.err).not.toContain('correct horse battery');
      // the .pfx is not accepted as a certificate
      const refused = await cli(['cert', 'inspect', result.pfx]);
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/private key/i);
      expect(readFileSync(result.cer).length).toBeGreaterThan(500);
    } finally {
      await temp.remove();
    }
  });

  it('cert new trims the DNS name: subject CN=<name>, files <name>.cer and <name>.pfx', async () => {
    const temp = await makeTempDir();
    try {
      const made = await cli(
        ['--json', 'cert', 'new', '--dns-name', ' backup.contoso.com ', '--out', temp.path, '--pfx-password-stdin'],
        'correct horse battery\n',
      );
      expect(made.code, made.err).toBe(0);
      const result = JSON.parse(made.out) as { cer: string; pfx: string; subject: string };
      expect(result.subject).toBe('CN=backup.contoso.com');
      expect(readdirSync(temp.path).sort()).toEqual(['backup.contoso.com.cer', 'backup.contoso.com.pfx']);
      const subject = execFileSync('openssl', [
        'x509',
        '-inform',
        'DER',
        '-in',
        result.cer,
        '-noout',
        '-subject',
        '-nameopt',
        'RFC2253',
      ]).toString();
      expect(subject.trim()).toBe('subject=CN=backup.contoso.com');
    } finally {
      await temp.remove();
    }
  });

  it('cert new exits 2 naming the field for a bad DNS name or a short .pfx password', async () => {
    const temp = await makeTempDir();
    try {
      const bad = await cli(
        ['cert', 'new', '--dns-name', 'not a name', '--out', temp.path, '--pfx-password-stdin'],
        'long enough password',
      );
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('field: dnsName');
      const short = await cli(['cert', 'new', '--dns-name', 'a.contoso.com', '--out', temp.path, '--pfx-password-stdin'], 'short');
      expect(short.code).toBe(2);
      expect(short.err).toContain('field: pfxPassword');
      for (const name of ['  ', 'back_up.contoso.com', '-bad.contoso.com']) {
        const refused = await cli(['cert', 'new', '--dns-name', name, '--out', temp.path, '--pfx-password-stdin'], 'long enough password');
        expect(refused.code, name).toBe(2);
        expect(refused.err, name).toContain('field: dnsName');
      }
    } finally {
      await temp.remove();
    }
  });

  it('key new prints base64 of 32 random bytes', async () => {
    const first = await cli(['key', 'new']);
    const second = await cli(['key', 'new']);
    expect(Buffer.from(first.out.trim(), 'base64')).toHaveLength(32);
    expect(first.out).not.toBe(second.out);
  });
});
