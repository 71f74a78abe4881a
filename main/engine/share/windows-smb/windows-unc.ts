import type { HostAddress } from '../../../../common/host-address';

/**
 * The UNC names Windows uses for a parsed location. An IPv6 host cannot be
 * written in brackets in a UNC path; Windows reads it from the reserved
 * `ipv6-literal.net` name instead (':' → '-', a zone '%' → 's').
 */
export function windowsUncNames(location: { address: HostAddress; share: string; folders: string[] }): { remote: string; folder: string } {
  const host = location.address.kind === 'ipv6' ? ipv6LiteralName(location.address.host) : location.address.host;
  const remote = `\\\\${host}\\${location.share}`;
  const folder = location.folders.length ? `${remote}\\${location.folders.join('\\')}` : remote;
  return { remote, folder };
}

function ipv6LiteralName(address: string): string {
  return `${address.replace(/:/g, '-').replace(/%/g, 's')}.ipv6-literal.net`;
}
