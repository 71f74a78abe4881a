import { describe, expect, it } from 'vitest';
import {
  UNCONFIGURED_CONTEXT,
  checkFrequencyHours,
  checkLocation,
  checkRetentionDays,
  checkSmbPort,
  checkUsername,
  generateCertificateInputSchema,
  localPathStyleOf,
  parseUncLocation,
  settingsInputSchema,
  tryParseUncLocation,
  validateSettingsInput,
  type LocalPathStyle,
  type SettingsContext,
} from '../../../common/settings-schema';

function message(text: string): string {
  const result = tryParseUncLocation(text);
  if (result.ok) throw new Error(`expected ${text} to be refused`);
  return result.message;
}

describe('frequency, retention, port', () => {
  it.each([
    [3, false],
    [4, true],
    [12, true],
    [13, false],
    [6.5, false],
  ])('frequency %s hours valid=%s', (value, valid) => {
    const problem = checkFrequencyHours(value);
    expect(problem === null).toBe(valid);
    if (!valid) expect(problem).toMatch(/Frequency in hours .*4 to 12/);
  });

  it.each([
    [1, false],
    [2, true],
    [14, true],
    [15, false],
  ])('retention %s days valid=%s', (value, valid) => {
    const problem = checkRetentionDays(value);
    expect(problem === null).toBe(valid);
    if (!valid) expect(problem).toMatch(/Retention period in days .*2 to 14/);
  });

  it('rejects non-numbers and out-of-range ports', () => {
    expect(checkFrequencyHours(Number.NaN)).not.toBeNull();
    expect(checkSmbPort(0)).toMatch(/SMB port/);
    expect(checkSmbPort(65536)).toMatch(/SMB port/);
    expect(checkSmbPort(445)).toBeNull();
    expect(checkSmbPort(1)).toBeNull();
    expect(checkSmbPort(65535)).toBeNull();
  });

  it('the zod schema carries the same rules with the field as path', () => {
    const result = settingsInputSchema.safeParse({ frequencyHours: 13, retentionDays: 1 });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(['frequencyHours', 'retentionDays']);
    expect(settingsInputSchema.safeParse({ frequencyHours: 4, retentionDays: 14 }).success).toBe(true);
    expect(settingsInputSchema.safeParse({ unknownField: 1 }).success).toBe(false);
    const wrongType = settingsInputSchema.safeParse({ frequencyHours: '6' });
    expect(wrongType.error?.issues[0]?.message).toMatch(/Frequency in hours must be a whole number of hours from 4 to 12/);
  });
});

describe('UNC locations', () => {
  it('FQDN with sub-folders', () => {
    expect(parseUncLocation('\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc')).toEqual({
      kind: 'smb',
      address: { kind: 'fqdn', host: 'fileserver01.contoso.com' },
      share: 'AzSBackups',
      folders: ['contoso.com', 'nyc'],
      normalized: '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc',
    });
  });

  it('single-label host name and IPv4', () => {
    expect(parseUncLocation('\\\\fileserver01\\backups')).toMatchObject({
      kind: 'smb',
      address: { kind: 'hostname', host: 'fileserver01' },
      share: 'backups',
      folders: [],
    });
    expect(parseUncLocation('\\\\10.0.0.5\\backups')).toMatchObject({ kind: 'smb', address: { kind: 'ipv4', host: '10.0.0.5' } });
  });

  it('IPv6 in brackets and in the ipv6-literal.net form', () => {
    expect(parseUncLocation('\\\\[fd00::5]\\b')).toMatchObject({
      kind: 'smb',
      address: { kind: 'ipv6', host: 'fd00::5' },
      share: 'b',
      normalized: '\\\\[fd00::5]\\b',
    });
    expect(parseUncLocation('\\\\fd00--5.ipv6-literal.net\\b')).toMatchObject({ kind: 'smb', address: { kind: 'ipv6', host: 'fd00::5' } });
    expect(parseUncLocation('\\\\[2001:db8:0:0:0:0:0:1]\\b')).toMatchObject({ address: { kind: 'ipv6' } });
    expect(parseUncLocation('\\\\[::ffff:10.0.0.5]\\b')).toMatchObject({ address: { kind: 'ipv6' } });
  });

  it('invalid hosts are refused with the rule', () => {
    expect(message('\\\\fd00::5\\b')).toMatch(/IPv6 .*in brackets/);
    expect(message('\\\\[fd00::5::6]\\b')).toMatch(/not a valid IPv6/);
    expect(message('\\\\[fd00::5\\b')).toMatch(/closing \]/);
    expect(message('\\\\fd00--5--6.ipv6-literal.net\\b')).toMatch(/IPv6 literal/);
    expect(message('\\\\10.0.0.256\\b')).toMatch(/not a valid IPv4/);
    expect(message('\\\\10.0.5\\b')).toMatch(/not a valid IPv4/);
    expect(message('\\\\-bad-.contoso.com\\b')).toMatch(/not a valid server name/);
    expect(message('\\\\under_score\\b')).toMatch(/not a valid server name/);
  });

  it('a share name is required; empty segments are refused', () => {
    expect(message('\\\\server')).toMatch(/share name/);
    expect(message('\\\\server\\')).toMatch(/share name/);
    expect(message('\\\\server\\\\share')).toMatch(/share name|empty folder name/);
    expect(message('\\\\server\\share\\\\nyc')).toMatch(/empty folder name/);
    expect(message('\\\\')).toMatch(/server name is missing/);
  });

  it('one trailing backslash is tolerated and dropped', () => {
    expect(parseUncLocation('\\\\server\\share\\')).toMatchObject({ share: 'share', folders: [], normalized: '\\\\server\\share' });
    expect(parseUncLocation('\\\\server\\share\\nyc\\')).toMatchObject({ folders: ['nyc'], normalized: '\\\\server\\share\\nyc' });
    expect(message('\\\\server\\share\\nyc\\\\')).toMatch(/empty folder name/);
  });

  it('refuses .. and .', () => {
    expect(message('\\\\server\\share\\..\\other')).toMatch(/"\.\."/);
    expect(message('\\\\server\\share\\nyc\\..')).toMatch(/"\.\."/);
    expect(message('\\\\server\\..')).toMatch(/"\.\."/);
    expect(message('\\\\server\\share\\.\\x')).toMatch(/"\."/);
    expect(message('/srv/backups/../etc')).toMatch(/"\.\."/);
  });

  it.each(['"', '*', '?', '<', '>', '|', ':'])('refuses the character %s and names it', (character) => {
    expect(message(`\\\\server\\share\\a${character}b`)).toContain(`character ${character}`);
    expect(message(`\\\\server\\sh${character}are`)).toContain(`character ${character}`);
  });

  it('refuses forward-slash UNC, relative paths, control characters, trailing dots', () => {
    expect(message('//server/share')).toMatch(/backslashes/);
    expect(message('server\\share')).toMatch(/UNC path/);
    expect(message('')).toMatch(/required/);
    expect(message('\\\\server\\share\\a\nb')).toMatch(/control character/);
    expect(message('\\\\server\\share\\nyc.')).toMatch(/ends with a space or a dot/);
  });

  it('a local absolute folder is kind local; the validator accepts it without SMB fields', () => {
    expect(parseUncLocation('/srv/backups/')).toEqual({ kind: 'local', path: '/srv/backups', normalized: '/srv/backups' });
    expect(parseUncLocation('D:\\backups')).toMatchObject({ kind: 'local', path: 'D:\\backups' });
    expect(validateSettingsInput(UNCONFIGURED_CONTEXT, { location: '/srv/backups', certificateBase64: 'AAAA' })).toEqual([]);
  });

  it("a local folder must be written as the station's platform writes one: C:\\Backups on Linux and /srv/backups on Windows are refused", () => {
    const posix = localPathStyleOf('linux');
    const windows = localPathStyleOf('win32');
    expect([posix, windows, localPathStyleOf('darwin')]).toEqual(['posix', 'windows', 'posix']);
    const locationError = (location: string, style: LocalPathStyle) =>
      validateSettingsInput(UNCONFIGURED_CONTEXT, { location, certificateBase64: 'AAAA' }, style).find(
        (error) => error.field === 'location',
      )?.message;

    expect(locationError('C:\\Backups', posix)).toBe(
      'Backup storage location: C:\\Backups is a Windows folder path, and this station does not run Windows. Enter a UNC path such as \\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc (or, for a trial, a local folder such as /srv/backups).',
    );
    expect(checkLocation('d:/backups', posix)).toMatch(/is a Windows folder path/);
    expect(locationError('/srv/backups', posix)).toBeUndefined();
    expect(locationError('/srv/backups', windows)).toMatch(/^Backup storage location: \/srv\/backups is not a Windows folder path\./);
    expect(locationError('C:\\Backups', windows)).toBeUndefined();
    // A share is a share on either platform.
    expect(locationError('\\\\fileserver01\\AzSBackups', posix)).toBeUndefined();
    expect(locationError('\\\\fileserver01\\AzSBackups', windows)).toBeUndefined();
    // Without a style (the contract's shape check) either form passes; the engine then applies its own.
    expect(checkLocation('C:\\Backups')).toBeNull();
    expect(checkLocation('/srv/backups')).toBeNull();
  });
});

describe('usernames', () => {
  it.each(['CONTOSO\\backupshareuser', 'contoso.com\\backup', 'backup@contoso.com', 'FILESERVER01\\backup', '.\\backup'])(
    'accepts %s',
    (name) => {
      expect(checkUsername(name)).toBeNull();
    },
  );
  it.each([
    ['', /required/],
    ['backup', /no domain/],
    ['\\backup', /domain before/],
    ['CONTOSO\\', /user name after/],
    ['@contoso.com', /before @/],
    ['backup@', /after @/],
    ['CONTOSO\\back%up', /character %/],
    ['CONTOSO\\a\\b', /character \\/],
  ])('refuses %j', (name, rule) => {
    expect(checkUsername(name)).toMatch(rule);
  });
});

describe('validateSettingsInput', () => {
  const first = {
    location: '\\\\fileserver01.contoso.com\\AzSBackups',
    username: 'CONTOSO\\backup',
    password: 'pa55word!',
    passwordConfirm: 'pa55word!',
    certificateBase64: 'MIIB',
  };
  const configured: SettingsContext = {
    configured: true,
    passwordSet: true,
    location: '\\\\fileserver01.contoso.com\\AzSBackups',
    locationKind: 'smb',
    encryption: {
      mode: 'certificate',
      certificate: {
        thumbprint: 'A',
        thumbprintSha256: 'B',
        subject: '',
        issuer: '',
        notBefore: '',
        notAfter: '',
        keyAlgorithm: 'RSA',
        keyBits: 3072,
        warnings: [],
      },
    },
  };

  it('a complete first save is valid', () => {
    expect(validateSettingsInput(UNCONFIGURED_CONTEXT, first)).toEqual([]);
  });

  it('first save requires location, username, password twice and a certificate', () => {
    const fields = validateSettingsInput(UNCONFIGURED_CONTEXT, {}).map((error) => error.field);
    expect(fields).toContain('location');
    expect(fields).toContain('certificate');
    const smb = validateSettingsInput(UNCONFIGURED_CONTEXT, { location: first.location }).map((error) => error.field);
    expect(smb).toEqual(['username', 'password', 'passwordConfirm', 'certificate']);
  });

  it('an empty or unfinished location flags every missing field of a share at once, not two of five', () => {
    for (const location of ['', '\\\\fileserver01']) {
      const fields = validateSettingsInput(UNCONFIGURED_CONTEXT, { location, username: '', password: '', passwordConfirm: '' }).map(
        (error) => error.field,
      );
      expect(fields).toEqual(['location', 'username', 'password', 'passwordConfirm', 'certificate']);
    }
  });

  it('password and confirmation must match', () => {
    const errors = validateSettingsInput(UNCONFIGURED_CONTEXT, { ...first, passwordConfirm: 'other' });
    expect(errors).toEqual([{ field: 'passwordConfirm', message: 'Confirm password does not match the password.' }]);
    expect(validateSettingsInput(configured, { password: 'new-password' }).map((error) => error.field)).toEqual(['passwordConfirm']);
  });

  it('a configured setup changes single fields without the password', () => {
    expect(validateSettingsInput(configured, { frequencyHours: 6 })).toEqual([]);
    expect(validateSettingsInput(configured, { frequencyHours: 3 })).toEqual([
      { field: 'frequencyHours', message: expect.stringMatching(/4 to 12/) },
    ]);
  });

  it('a legacy key cannot be set on a new or certificate configuration', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(
      validateSettingsInput(UNCONFIGURED_CONTEXT, { ...first, certificateBase64: undefined, encryptionKeyBase64: key }).map(
        (error) => error.field,
      ),
    ).toContain('encryptionKey');
    expect(validateSettingsInput(configured, { encryptionKeyBase64: key })[0]?.message).toMatch(/not possible/);
    const legacy: SettingsContext = { ...configured, encryption: { mode: 'legacy-key', keySet: true, deprecationNotice: '' } };
    expect(validateSettingsInput(legacy, { encryptionKeyBase64: key })).toEqual([]);
    expect(validateSettingsInput(legacy, { encryptionKeyBase64: 'c2hvcnQ=' })[0]?.field).toBe('encryptionKey');
  });
});

describe('generateCertificateInputSchema', () => {
  it('checks DNS name, years and matching .pfx passwords', () => {
    expect(
      generateCertificateInputSchema.safeParse({
        dnsName: 'backup.contoso.com',
        pfxPassword: 'longenough',
        pfxPasswordConfirm: 'longenough',
      }).success,
    ).toBe(true);
    const bad = generateCertificateInputSchema.safeParse({
      dnsName: 'bad name',
      years: 11,
      pfxPassword: 'short',
      pfxPasswordConfirm: 'other',
    });
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['dnsName', 'years', 'pfxPassword', 'pfxPasswordConfirm']);
    const mismatch = generateCertificateInputSchema.safeParse({
      dnsName: 'a.b',
      pfxPassword: 'longenough',
      pfxPasswordConfirm: 'longenougH',
    });
    expect(mismatch.error?.issues[0]?.path).toEqual(['pfxPasswordConfirm']);
  });
});
