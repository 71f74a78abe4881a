/**
 * Parsing of what the operator types: a UNC path (`\\host\share\folder`) and
 * an account (`user`, `DOMAIN\user` or `user@domain`).
 */
import { invalidInput } from '../errors';
import { assertValidName } from './share-path';

export interface UncLocation {
  host: string;
  share: string;
  /** Share-relative folder, '/'-separated ('' for the share root). */
  folder: string;
}

/** Accepts `\\host\share[\folder…]` and `//host/share[/folder…]`. */
export function parseUncPath(unc: string, field = 'location'): UncLocation {
  const trimmed = unc.trim();
  if (!/^(\\\\|\/\/)/.test(trimmed)) {
    throw invalidInput(
      field,
      'A file share path starts with \\\\ (for example \\\\server\\share\\folder).',
      'Enter the path as \\\\server\\share\\folder.',
    );
  }
  const parts = trimmed
    .slice(2)
    .split(/[\\/]+/)
    .filter((part) => part.length > 0);
  const [host, share, ...folder] = parts;
  if (!host || !share) {
    throw invalidInput(
      field,
      'The file share path needs a server and a share name (\\\\server\\share).',
      'Enter the path as \\\\server\\share\\folder.',
    );
  }
  if (!/^[A-Za-z0-9.\-_[\]:]+$/.test(host)) {
    throw invalidInput(field, `"${host}" is not a valid server name or address.`, 'Use a host name, an IPv4 address or an IPv6 address.');
  }
  for (const name of [share, ...folder]) assertValidName(name, field);
  return { host, share, folder: folder.join('/') };
}

export interface SmbAccount {
  username: string;
  /** '' when the operator gave none. */
  domain: string;
}

/**
 * `DOMAIN\user` and `user@domain` both become (user, domain) for NTLM: the
 * smbclient auth file takes them as separate lines, and a standalone Samba
 * rejects the `user@domain` form as a user name (measured).
 */
export function parseAccount(account: string, field = 'username'): SmbAccount {
  const text = account.trim();
  if (!text) throw invalidInput(field, 'The user name is empty.', 'Enter the account as user, DOMAIN\\user or user@domain.');
  if (/[\r\n%]/.test(text) || /[\u0000-\u001f]/.test(text)) {
    throw invalidInput(
      field,
      'The user name contains a character that is not allowed (such as % or a line break).',
      'Enter the account as user, DOMAIN\\user or user@domain.',
    );
  }
  const backslash = text.indexOf('\\');
  if (backslash >= 0) {
    const domain = text.slice(0, backslash);
    const username = text.slice(backslash + 1);
    if (!domain || !username || username.includes('\\')) {
      throw invalidInput(
        field,
        `"${text}" is not a valid DOMAIN\\user account.`,
        'Enter the account as user, DOMAIN\\user or user@domain.',
      );
    }
    return { username, domain };
  }
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    const username = text.slice(0, at);
    const domain = text.slice(at + 1);
    if (!domain || !username) {
      throw invalidInput(field, `"${text}" is not a valid user@domain account.`, 'Enter the account as user, DOMAIN\\user or user@domain.');
    }
    return { username, domain };
  }
  return { username: text, domain: '' };
}
