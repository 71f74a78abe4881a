/**
 * Parsing of the backup storage location the operator types. Shared by the
 * renderer (validation as you type) and the engine, so it uses no Node
 * builtins.
 *
 * Accepted forms (decisions, documented for operators in the error texts):
 * - UNC `\\host\share[\folder…]` with backslashes only (a path starting with
 *   `//` is refused with a hint, because on Linux it is also a local path).
 * - host: a DNS name (FQDN or single-label host name), an IPv4 address, an
 *   IPv6 address in brackets (`\\[fd00::5]\share`, what smbclient takes) or
 *   Windows' IPv6 literal form (`\\fd00--5.ipv6-literal.net\share`, what
 *   Windows Explorer takes). Both IPv6 forms yield the plain address as host.
 * - one trailing backslash is tolerated and dropped (`\\h\s\` = `\\h\s`);
 *   empty segments inside the path (`\\h\\s`) are refused.
 * - no `.` or `..` segment, none of the characters SMB forbids in names
 *   (`" * ? < > | :` and `/`), no control characters, no name ending in a
 *   space or dot (the server would silently strip it).
 * - a local absolute folder (`/srv/backups`, `D:\backups`) is accepted as kind
 *   'local' and always carries LOCAL_LOCATION_WARNING.
 */

export type HostKind = 'dns' | 'ipv4' | 'ipv6';

export type ParsedLocation =
  | {
      kind: 'smb';
      /** DNS name or IPv4 as typed (lower-cased DNS); IPv6 without brackets or zone-less literal form. */
      host: string;
      hostKind: HostKind;
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

const UNC_EXAMPLE = '\\\\fileserver01.contoso.com\\AzSBackups\\contoso.com\\nyc';
const MAX_LOCATION_LENGTH = 1024;

/** Parses a storage location; returns an operator message naming the rule when it is not valid. */
export function tryParseUncLocation(input: string): LocationParseResult {
  const text = input.trim();
  if (text.length === 0) return fail(`Backup storage location is required: enter a UNC path such as ${UNC_EXAMPLE}.`);
  if (text.length > MAX_LOCATION_LENGTH) return fail(`Backup storage location is too long (at most ${MAX_LOCATION_LENGTH} characters).`);
  if (/[\u0000-\u001f\u007f]/.test(text))
    return fail('Backup storage location contains a control character (such as a line break or tab).');
  if (text.startsWith('\\\\')) return parseUnc(text);
  if (text.startsWith('//')) {
    return fail(`Backup storage location: write UNC paths with backslashes, for example ${UNC_EXAMPLE}.`);
  }
  if (text.startsWith('/') || /^[A-Za-z]:[\\/]/.test(text)) return parseLocal(text);
  return fail(`Backup storage location must be a UNC path \\\\server\\share[\\folder…], for example ${UNC_EXAMPLE}.`);
}

/** Like tryParseUncLocation, but throws an Error carrying the operator message. */
export function parseUncLocation(input: string): ParsedLocation {
  const result = tryParseUncLocation(input);
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
  const host = parseHost(hostText);
  if (!host.ok) return fail(host.message);
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) return fail(problem);
  }
  const [share, ...folders] = names as [string, ...string[]];
  const hostText_ = host.kind === 'ipv6' ? `[${host.host}]` : host.host;
  const normalized = `\\\\${hostText_}\\${[share, ...folders].join('\\')}`;
  return { ok: true, location: { kind: 'smb', host: host.host, hostKind: host.kind, share, folders, normalized } };
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

type HostResult = { ok: true; host: string; kind: HostKind } | { ok: false; message: string };

const IPV6_LITERAL_SUFFIX = '.ipv6-literal.net';

function parseHost(text: string): HostResult {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return { ok: false, message: `Backup storage location: the IPv6 address "${text}" is missing its closing ].` };
    const address = text.slice(1, -1);
    if (!isIpv6(address)) return { ok: false, message: `Backup storage location: "${address}" is not a valid IPv6 address.` };
    return { ok: true, host: address.toLowerCase(), kind: 'ipv6' };
  }
  if (text.includes(':')) {
    return {
      ok: false,
      message: `Backup storage location: write an IPv6 server address in brackets (\\\\[${text}]\\share) or as ${text.replace(/:/g, '-')}${IPV6_LITERAL_SUFFIX}.`,
    };
  }
  if (text.toLowerCase().endsWith(IPV6_LITERAL_SUFFIX)) {
    // Windows' literal form: ':' → '-', zone '%' → 's'.
    const address = text.slice(0, -IPV6_LITERAL_SUFFIX.length).replace(/-/g, ':').replace(/s/gi, '%');
    if (!isIpv6(address)) return { ok: false, message: `Backup storage location: "${text}" is not a valid IPv6 literal name.` };
    return { ok: true, host: address.toLowerCase(), kind: 'ipv6' };
  }
  if (/^[0-9.]+$/.test(text)) {
    if (!isIpv4(text))
      return {
        ok: false,
        message: `Backup storage location: "${text}" is not a valid IPv4 address (four numbers 0–255 separated by dots).`,
      };
    return { ok: true, host: text, kind: 'ipv4' };
  }
  if (!isDnsName(text)) {
    return {
      ok: false,
      message: `Backup storage location: "${text}" is not a valid server name (letters, digits and hyphens, dot-separated labels of at most 63 characters, not starting or ending with a hyphen).`,
    };
  }
  return { ok: true, host: text.toLowerCase(), kind: 'dns' };
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255);
}

export function isIpv6(text: string): boolean {
  let address = text;
  const zone = address.indexOf('%');
  if (zone >= 0) {
    if (!/^[A-Za-z0-9_.-]+$/.test(address.slice(zone + 1))) return false;
    address = address.slice(0, zone);
  }
  let groupsNeeded = 8;
  const lastColon = address.lastIndexOf(':');
  if (address.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 (::ffff:10.0.0.5) takes two groups.
    if (!isIpv4(address.slice(lastColon + 1))) return false;
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColons = address.split('::').length - 1;
  if (doubleColons > 1) return false;
  const hex = /^[0-9A-Fa-f]{1,4}$/;
  if (doubleColons === 1) {
    const [head = '', tail = ''] = address.split('::');
    const headGroups = head === '' ? [] : head.split(':');
    const tailGroups = tail === '' ? [] : tail.split(':');
    const groups = [...headGroups, ...tailGroups];
    return groups.length < groupsNeeded && groups.every((group) => hex.test(group));
  }
  const groups = address.split(':');
  groupsNeeded = 8;
  return groups.length === groupsNeeded && groups.every((group) => hex.test(group));
}

export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  const labels = name.split('.');
  if (labels.every((label) => /^[0-9]+$/.test(label))) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
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
