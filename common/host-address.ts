/**
 * The server part of a share address, parsed once into a typed value that
 * the settings schema, the SMB driver and the reachability probe all use.
 * No Node built-ins: the renderer validates with it as the operator types.
 *
 * Accepted forms: a DNS name (an FQDN, or a single-label host name), an IPv4
 * address, an IPv6 address in brackets (`[fd00::5]`, `[fe80::1%eth0]`) or in
 * Windows' literal form (`fd00--5.ipv6-literal.net`, zone `%` written `s`).
 * Both IPv6 forms yield the plain address, without brackets.
 */

export type HostAddress =
  /** A dotted DNS name, lower-cased (`fileserver01.contoso.com`). */
  | { kind: 'fqdn'; host: string }
  /** A single-label host name, lower-cased (`fileserver01`), resolved by the station's resolver. */
  | { kind: 'hostname'; host: string }
  | { kind: 'ipv4'; host: string }
  /** Without brackets, in its canonical text (RFC 5952: `fd00::5`); may carry a zone (`fe80::1%eth0`). */
  | { kind: 'ipv6'; host: string };

export type HostParseResult = { ok: true; address: HostAddress } | { ok: false; message: string };

const IPV6_LITERAL_SUFFIX = '.ipv6-literal.net';

/** Parses the host of a UNC path; the message names the rule that was broken. */
export function parseHostAddress(text: string): HostParseResult {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return fail(`the IPv6 address "${text}" is missing its closing ].`);
    const address = text.slice(1, -1);
    if (!isIpv6(address)) return fail(`"${address}" is not a valid IPv6 address.`);
    return { ok: true, address: { kind: 'ipv6', host: canonicalIpv6(address) } };
  }
  if (text.includes(':')) {
    return fail(`write an IPv6 server address in brackets (\\\\[${text}]\\share) or as ${text.replace(/:/g, '-')}${IPV6_LITERAL_SUFFIX}.`);
  }
  if (text.toLowerCase().endsWith(IPV6_LITERAL_SUFFIX)) {
    // Windows' literal form: ':' → '-', zone '%' → 's'.
    const address = text.slice(0, -IPV6_LITERAL_SUFFIX.length).replace(/-/g, ':').replace(/s/gi, '%');
    if (!isIpv6(address)) return fail(`"${text}" is not a valid IPv6 literal name.`);
    return { ok: true, address: { kind: 'ipv6', host: canonicalIpv6(address) } };
  }
  if (/^[0-9.]+$/.test(text)) {
    if (!isIpv4(text)) return fail(`"${text}" is not a valid IPv4 address (four numbers 0–255 separated by dots).`);
    return { ok: true, address: { kind: 'ipv4', host: text } };
  }
  if (!isDnsName(text)) {
    return fail(
      `"${text}" is not a valid server name (letters, digits and hyphens, dot-separated labels of at most 63 characters, not starting or ending with a hyphen).`,
    );
  }
  const host = text.toLowerCase().replace(/\.$/, '');
  return { ok: true, address: host.includes('.') ? { kind: 'fqdn', host } : { kind: 'hostname', host } };
}

/** The host as written in a UNC path: IPv6 in brackets. */
export function uncHost(address: HostAddress): string {
  return address.kind === 'ipv6' ? `[${address.host}]` : address.host;
}

function fail(rule: string): HostParseResult {
  return { ok: false, message: `Backup storage location: ${rule}` };
}

/**
 * RFC 5952's text of a valid IPv6 address: lower case, no leading zeros, the
 * longest run of two or more zero groups as `::` — so `[FD00:0:0::5]` and
 * `fd00--5.ipv6-literal.net` are the same host. An address with an embedded
 * IPv4 part is only lower-cased.
 */
export function canonicalIpv6(address: string): string {
  const zoneAt = address.indexOf('%');
  const zone = zoneAt >= 0 ? address.slice(zoneAt) : '';
  const bare = (zoneAt >= 0 ? address.slice(0, zoneAt) : address).toLowerCase();
  if (bare.includes('.')) return bare + zone;
  const [head = '', tail] = bare.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups].map((group) =>
    group.replace(/^0+(?=.)/, ''),
  );
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (groups[start + length] === '0') length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  if (bestStart < 0) return groups.join(':') + zone;
  const left = groups.slice(0, bestStart).join(':');
  const right = groups.slice(bestStart + bestLength).join(':');
  return `${left}::${right}${zone}`;
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
    const groups = [...(head === '' ? [] : head.split(':')), ...(tail === '' ? [] : tail.split(':'))];
    return groups.length < 8 && groups.every((group) => hex.test(group));
  }
  const groups = address.split(':');
  return groups.length === 8 && groups.every((group) => hex.test(group));
}

export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  const labels = name.split('.');
  if (labels.every((label) => /^[0-9]+$/.test(label))) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}
