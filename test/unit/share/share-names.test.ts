import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors';
import { temporaryNameFor } from '../../../main/engine/share/file-share';
import { joinSharePath, parentOf, pathComponents } from '../../../main/engine/share/share-path';
import { parseAccount } from '../../../main/engine/share/smb-account';
import { openFileShare } from '../../../main/engine/share/open-share';

describe('share-relative paths', () => {
  it('splits on / and ignores empty components', () => {
    expect(pathComponents('/a//b;c/ d/')).toEqual(['a', 'b;c', ' d']);
    expect(pathComponents('')).toEqual([]);
    expect(joinSharePath('a/', '/b', 'c')).toBe('a/b/c');
    expect(parentOf('a/b/c')).toBe('a/b');
    expect(parentOf('a')).toBe('');
  });

  it.each(['"', '*', '?', '<', '>', '|', ':', '\\'])('refuses %s and names it', (character) => {
    try {
      pathComponents(`ok/bad${character}name`);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('invalid-input');
      expect((error as EngineError).message).toContain(`character ${character}`);
    }
  });

  it('refuses control characters, . and .., and trailing dots or spaces', () => {
    for (const bad of ['a\nb', 'a\rb', 'tab\there', '..', '.', 'dot.', 'space ']) {
      expect(() => pathComponents(bad)).toThrow(EngineError);
    }
  });

  it("accepts names with ; ' & % spaces, leading -, and non-ASCII", () => {
    expect(pathComponents("a;b/it's/R&D/100%/-x/日本語")).toHaveLength(6);
  });

  it('makes temporary names of plain characters only', () => {
    expect(temporaryNameFor('a;b c.bin', 'abc123')).toBe('.a_b_c.bin.abc123.partial-write');
  });
});

describe('UNC paths and accounts', () => {
  it('splits DOMAIN\\user and user@domain', () => {
    expect(parseAccount('CONTOSO\\backup')).toEqual({ username: 'backup', domain: 'CONTOSO' });
    expect(parseAccount('backup@contoso.local')).toEqual({ username: 'backup', domain: 'contoso.local' });
    expect(parseAccount('backup')).toEqual({ username: 'backup', domain: '' });
    for (const bad of ['', '\\user', 'DOM\\', 'user@', 'us%er', 'a\nb']) expect(() => parseAccount(bad)).toThrow(EngineError);
  });

  it('opens UNC locations with the SMB driver (the Windows one on Windows) and folders with the local driver', () => {
    const credentials = { username: 'u', password: 'p-123', platform: 'linux' as const };
    expect(openFileShare({ location: '\\\\nas\\share\\f', ...credentials }).kind).toBe('smb');
    const windows = openFileShare({ location: '\\\\nas\\share\\f', ...credentials, platform: 'win32' });
    // The Windows redirector driver: SMB, but it cannot report the dialect (smbclient's can).
    expect(windows.kind).toBe('smb');
    expect(windows.capabilities()).toEqual({ server: null, reportsProtocol: false, links: 'always' });
    expect(windows.describe()).toBe('\\\\nas\\share\\f');
    expect(openFileShare({ location: '/srv/backups', ...credentials }).kind).toBe('local');
    expect(() => openFileShare({ location: 'relative/dir', ...credentials })).toThrow(EngineError);
    // The one parser: what the settings refuse, the drivers refuse with the same words.
    expect(() => openFileShare({ location: '//nas/share', ...credentials })).toThrow(/backslashes/);
    // A stored location in the other platform's local form (C:\\Backups on Linux) is no folder here: refused, not created.
    expect(() => openFileShare({ location: 'C:\\Backups', ...credentials })).toThrow(/is a Windows folder path/);
    expect(openFileShare({ location: 'C:\\Backups', ...credentials, platform: 'win32' }).kind).toBe('local');
    expect(openFileShare({ location: '\\\\[FD00::5]\\share', ...credentials }).describe()).toBe('\\\\[fd00::5]\\share');
    expect(openFileShare({ location: '\\\\fd00--5.ipv6-literal.net\\share', ...credentials }).capabilities().server).toEqual({
      address: { kind: 'ipv6', host: 'fd00::5' },
      port: 445,
    });
    const share = openFileShare({ location: '\\\\nas\\share\\f', smbPort: 4455, ...credentials });
    expect(share.describe()).toBe('\\\\nas\\share\\f (port 4455)');
    // Logging the share object never shows the password.
    expect(JSON.stringify(share)).not.toContain('p-123');
    expect(inspect(share, { depth: 5 })).not.toContain('p-123');
  });
});
