import type { UncLocation } from '../smb-location';

/**
 * The UNC names Windows uses for a parsed location. An IPv6 host cannot be
 * written in brackets in a UNC path; Windows reads it from the reserved
 * `ipv6-literal.net` name instead (':' → '-', a zone '%' → 's').
 */
export function windowsUncNames(location: UncLocation): { remote: string; folder: string } {
  const host = /^\[.*\]$/.test(location.host) || location.host.includes(':') ? ipv6LiteralName(location.host) : location.host;
  const remote = `\\\\${host}\\${location.share}`;
  const folder = location.folder ? `${remote}\\${location.folder.split('/').join('\\')}` : remote;
  return { remote, folder };
}

function ipv6LiteralName(host: string): string {
  return `${host
    .replace(/^\[|\]$/g, '')
    .replace(/:/g, '-')
    .replace(/%/g, 's')}.ipv6-literal.net`;
}
