/**
 * The account the operator types (`user`, `DOMAIN\\user` or `user@domain`),
 * split for smbclient's auth file. (The location is parsed by
 * common/unc-location.ts, once, for every driver.)
 */
import { invalidInput } from '../errors';

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
