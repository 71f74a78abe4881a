import { describe, expect, it } from 'vitest';
import { parseListing, parseSmbclientDate, parseSpaceFooter } from '../../../main/engine/share/smb-share';
import { ShareError } from '../../../main/engine/share/share-errors';
import { quoteArgument, smbclientArguments, splitSegments, type SmbEndpoint } from '../../../main/engine/share/smbclient-runner';

const LISTING = [
  '  .                                   D        0  Tue Nov 24 19:28:28 2026',
  '  ..                                  D        0  Tue Nov 24 19:28:06 2026',
  "  a'&%é ü                           D        0  Tue Nov 24 19:28:28 2026",
  '  name with  spaces A                 A  3000000  Wed Nov  4 09:08:07 2026',
  '  x 5                                 N       12  Tue Nov 24 19:28:28 2026',
  '',
  '\t\t264212084 blocks of size 1024. 82385360 blocks available',
].join('\n');

describe('smbclient output parsing', () => {
  it('parses ls lines from the right, so names may contain spaces and digits', () => {
    const entries = parseListing(LISTING, 'dir');
    expect(entries.map(({ name, kind, size, path }) => ({ name, kind, size, path }))).toEqual([
      { name: '.', kind: 'directory', size: 0, path: 'dir/.' },
      { name: '..', kind: 'directory', size: 0, path: 'dir/..' },
      { name: "a'&%é ü", kind: 'directory', size: 0, path: "dir/a'&%é ü" },
      { name: 'name with  spaces A', kind: 'file', size: 3000000, path: 'dir/name with  spaces A' },
      { name: 'x 5', kind: 'file', size: 12, path: 'dir/x 5' },
    ]);
    expect(entries[3]?.modifiedAt?.toISOString()).toBe('2026-11-04T09:08:07.000Z');
  });

  it('lists a reparse point (r: symbolic link, junction) as a link, as Windows servers mark them', () => {
    const listing = [
      '  junction                            Dr       0  Tue Nov 24 19:28:28 2026',
      '  file-link                           Ar       0  Tue Nov 24 19:28:28 2026',
      '  plain                               A       12  Tue Nov 24 19:28:28 2026',
    ].join('\n');
    expect(parseListing(listing, '').map(({ name, kind, size }) => ({ name, kind, size }))).toEqual([
      { name: 'junction', kind: 'link', size: 0 },
      { name: 'file-link', kind: 'link', size: 0 },
      { name: 'plain', kind: 'file', size: 12 },
    ]);
  });

  it('reads dates as UTC (smbclient runs with TZ=UTC)', () => {
    expect(parseSmbclientDate('Sun Feb  3 04:05:06 2002')?.toISOString()).toBe('2002-02-03T04:05:06.000Z');
    expect(parseSmbclientDate('not a date')).toBeNull();
  });

  it('reads the free-space footer', () => {
    expect(parseSpaceFooter(LISTING)).toEqual({ totalBytes: 264212084 * 1024, freeBytes: 82385360 * 1024 });
    expect(parseSpaceFooter('NT_STATUS_NO_SUCH_FILE listing \\x')).toBeUndefined();
  });

  it('splits output per command at the pwd markers, dropping the banner', () => {
    const stdout = [
      'Try "help" to get a list of possible commands.',
      'NT_STATUS_OBJECT_NAME_COLLISION making remote directory \\a',
      'Current directory is \\\\host\\share\\',
      'Current directory is \\\\host\\share\\',
      'NT_STATUS_OBJECT_NAME_NOT_FOUND renaming files \\x -> \\y ',
      'Current directory is \\\\host\\share\\',
    ].join('\n');
    expect(splitSegments(stdout, 3)).toEqual([
      'NT_STATUS_OBJECT_NAME_COLLISION making remote directory \\a',
      '',
      'NT_STATUS_OBJECT_NAME_NOT_FOUND renaming files \\x -> \\y ',
    ]);
    // A session that died after the first command reports one segment only.
    expect(splitSegments(stdout.split('\n').slice(0, 3).join('\n'), 3)).toHaveLength(1);
  });

  it('quotes arguments and refuses what quoting cannot carry', () => {
    expect(quoteArgument('\\a;b\\-x %y')).toBe('"\\a;b\\-x %y"');
    // A typed share failure naming the entry (escaped) and what to do, not an internal error.
    const refused = (argument: string): unknown => {
      try {
        quoteArgument(argument);
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(refused('a"b')).toMatchObject({ code: 'share', category: 'path', message: expect.stringContaining('"a\\"b"') });
    expect(refused('a\nput x')).toMatchObject({ code: 'share', category: 'path', message: expect.stringContaining('a\\nput x') });
    expect(refused('a\nput x')).toBeInstanceOf(ShareError);
  });

  it('builds argv with the auth file, SMB3, the port and encryption, and no password', () => {
    const endpoint: SmbEndpoint = {
      host: 'nas',
      port: 4455,
      share: 'backup',
      username: 'u',
      domain: 'D',
      password: 'pw-secret',
      timeoutSeconds: 20,
      configDir: '/tmp/unused',
      deadlines: { operationMs: 60_000, stallMs: 60_000 },
      encryption: 'desired',
      smbclientPath: 'smbclient',
      spawn: () => {
        throw new Error('not used');
      },
    };
    const args = smbclientArguments(endpoint, '/tmp/x/auth', 1);
    expect(args).toEqual([
      '//nas/backup',
      '-p',
      '4455',
      '-A',
      '/tmp/x/auth',
      '-m',
      'SMB3',
      '-t',
      '20',
      '-d',
      '1',
      '--option=client smb encrypt=desired',
    ]);
    expect(args.join(' ')).not.toContain('pw-secret');
    expect(smbclientArguments({ ...endpoint, encryption: 'off' }, '/a', 1)).not.toContain('--option=client smb encrypt=desired');
  });
});
