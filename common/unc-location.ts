/**
 * Parsing of the backup storage location the operator types. Shared by the
 * renderer (validation as you type) and the engine, so it uses no Node
 * builtins.
 *
 * Accepted forms (decisions, documented for operators in the error texts):
 * - UNC `\\host\share[\folder…]` with backslashes only (a path starting with
 *   `//` is refused with a hint, because on Linux it is also a local path).
 * - host: parsed by host-address.ts into a typed HostAddress (an FQDN, a
 *   single-label host name, IPv4, or IPv6 in brackets `\\[fd00::5]\share`
 *   or Windows' literal form `\\fd00--5.ipv6-literal.net\share`).
 * - one trailing backslash is tolerated and dropped (`\\h\s\` = `\\h\s`);
 *   empty segments inside the path (`\\h\\s`) are refused.
 * - no `.` or `..` segment, none of the characters SMB forbids in names
 *   (`" * ? < > | :` and `/`), no control characters, no name ending in a
 *   space or dot (the server would silently strip it).
 * - a local absolute folder is accepted as kind 'local' and always carries
 *   LOCAL_LOCATION_WARNING — in the station's own form: `D:\backups` on Windows,
 *   `/srv/backups` elsewhere. The other form is refused, because it is not an
 *   absolute folder there (Linux would take `C:\Backups` for a file name in the
 *   working folder). The engine passes its platform's style, the window the
 *   style getAppInfo reports, so both refuse the same; without a style either
 *   form passes (the contract's shape check, before the engine's).
 */

import { parseHostAddress, uncHost, type HostAddress } from './host-address';

export type ParsedLocation =
  | {
      kind: 'smb';
      address: HostAddress;
      share: string;
      folders: string[];
      /** The canonical UNC text (trailing backslash removed, IPv6 in brackets). */
      normalized: string;
    }
  | { kind: 'local'; path: string; normalized: string };

export type LocationParseResult = { ok: true; location: ParsedLocation } | { ok: false; message: string };

export const LOCAL_LOCATION_WARNING =
  'This is a local folder on this station, not a separate device: a failure of the station loses the backups too. Use it for trial runs only.';

export const SMB_FORBIDDEN_CHARACTERS = ['"', '*', '?', '<', '>', '|', ':', '/'] as const;

/** How a station writes an absolute local folder: a drive path on Windows, a `/` path elsewhere. */
export type LocalPathStyle = 'windows' | 'posix';

/** The local path style of a Node platform name (`process.platform`). */
export function localPathStyleOf(platform: string): LocalPathStyle {
  return platform === 'win32' ? 'windows' : 'posix';
}

const UNC_EXAMPLE = '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc';
const MAX_LOCATION_LENGTH = 1024;

/**
 * Parses a storage location; returns an operator message naming the rule when
 * it is not valid. `localPaths`: the station's style of local folder (absent:
 * either is accepted).
 */
export function tryParseUncLocation(input: string, localPaths?: LocalPathStyle): LocationParseResult {
  const text = input.trim();
  if (text.length === 0) return fail(`Backup storage location is required: enter a UNC path such as ${UNC_EXAMPLE}.`);
  if (text.length > MAX_LOCATION_LENGTH) return fail(`Backup storage location is too long (at most ${MAX_LOCATION_LENGTH} characters).`);
  if (/[\u0000-\u001f\u007f]/.test(text))
    return fail('Backup storage location contains a control character (such as a line break or tab).');
  if (text.startsWith('\\\\')) return parseUnc(text);
  if (text.startsWith('//')) {
    return fail(`Backup storage location: write UNC paths with backslashes, for example ${UNC_EXAMPLE}.`);
  }
  const drivePath = /^[A-Za-z]:[\\/]/.test(text);
  if (text.startsWith('/') || drivePath) {
    if (localPaths === 'posix' && drivePath)
      return fail(
        `Backup storage location: ${text} is a Windows folder path, and this station does not run Windows. Enter a UNC path such as ${UNC_EXAMPLE} (or, for a trial, a local folder such as /srv/backups).`,
      );
    if (localPaths === 'windows' && !drivePath)
      return fail(
        `Backup storage location: ${text} is not a Windows folder path. Enter a UNC path such as ${UNC_EXAMPLE} (or, for a trial, a local folder such as D:\\Backups).`,
      );
    return parseLocal(text);
  }
  return fail(`Backup storage location must be a UNC path \\\\server\\share[\\folder…], for example ${UNC_EXAMPLE}.`);
}

/** Like tryParseUncLocation, but throws an Error carrying the operator message. */
export function parseUncLocation(input: string, localPaths?: LocalPathStyle): ParsedLocation {
  const result = tryParseUncLocation(input, localPaths);
  if (!result.ok) throw new Error(result.message);
  return result.location;
}

function fail(message: string): LocationParseResult {
  return { ok: false, message };
}

function parseUnc(text: string): LocationParseResult {
  let body = text.slice(2);
  if (body.endsWith('\\')) body = body.slice(0, -1); // one trailing backslash is tolerated
  const segments = body.split('\\');
  const [hostText, ...names] = segments;
  if (!hostText) return fail('Backup storage location: the server name is missing after \\\\.');
  if (names.length === 0 || names[0] === undefined || names[0] === '') {
    return fail(`Backup storage location needs a share name after the server: \\\\${hostText}\\share.`);
  }
  const host = parseHostAddress(hostText);
  if (!host.ok) return fail(host.message);
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) return fail(problem);
  }
  const [share, ...folders] = names as [string, ...string[]];
  const normalized = `\\\\${uncHost(host.address)}\\${[share, ...folders].join('\\')}`;
  return { ok: true, location: { kind: 'smb', address: host.address, share, folders, normalized } };
}

function nameProblem(name: string): string | null {
  if (name === '') return 'Backup storage location contains an empty folder name (two backslashes in a row).';
  if (name === '..') return 'Backup storage location must not contain ".." (a parent-folder step): give the folder path directly.';
  if (name === '.') return 'Backup storage location must not contain "." as a folder name.';
  for (const character of SMB_FORBIDDEN_CHARACTERS) {
    if (name.includes(character)) {
      return `Backup storage location: the name "${name}" contains the character ${character}, which file shares do not allow in names.`;
    }
  }
  if (/[ .]$/.test(name)) return `Backup storage location: the name "${name}" ends with a space or a dot, which file shares do not keep.`;
  if (name.length > 255) return 'Backup storage location: a folder name is longer than 255 characters.';
  return null;
}

function parseLocal(text: string): LocationParseResult {
  const windows = /^[A-Za-z]:[\\/]/.test(text);
  const separators = windows ? /[\\/]/ : /\//;
  const segments = text.split(separators).slice(1);
  if (segments.some((segment) => segment === '..')) {
    return fail('Backup storage location must not contain ".." (a parent-folder step): give the folder path directly.');
  }
  if (windows && segments.some((segment) => /["*?<>|:]/.test(segment))) {
    const character = segments.join('').match(/["*?<>|:]/)?.[0] ?? '';
    return fail(`Backup storage location: the folder path contains the character ${character}, which Windows does not allow in names.`);
  }
  let path = text;
  while (path.length > (windows ? 3 : 1) && /[\\/]$/.test(path)) path = path.slice(0, -1);
  return { ok: true, location: { kind: 'local', path, normalized: path } };
}
