import { parseAccount } from '../smb-account';

/**
 * Whether the user name Windows reports for a connection (WNetGetUserW) is
 * the configured account. `DOMAIN\user` and `user@domain.fqdn` name the same
 * account when the user names match and the NetBIOS domain is the first label
 * of the DNS domain; a side without a domain is compared by user name only.
 * Case never matters to Windows account names.
 */
export function isSameAccount(configured: string, reported: string): boolean {
  let wanted, actual;
  try {
    wanted = parseAccount(configured);
    actual = parseAccount(reported);
  } catch {
    return false;
  }
  if (wanted.username.toLowerCase() !== actual.username.toLowerCase()) return false;
  if (!wanted.domain || !actual.domain) return true;
  const netbios = (domain: string) => domain.split('.')[0]?.toLowerCase() ?? '';
  return netbios(wanted.domain) === netbios(actual.domain);
}
