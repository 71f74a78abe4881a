import { describe, expect, it } from 'vitest';
import { canonicalIpv6, parseHostAddress, uncHost } from '../../../common/host-address';

describe('host addresses', () => {
  it.each([
    ['fileserver01.contoso.com', { kind: 'fqdn', host: 'fileserver01.contoso.com' }],
    ['FileServer01', { kind: 'hostname', host: 'fileserver01' }],
    ['10.0.0.5', { kind: 'ipv4', host: '10.0.0.5' }],
    ['[::1]', { kind: 'ipv6', host: '::1' }],
    ['[FD00:0:0:0:0:0:0:5]', { kind: 'ipv6', host: 'fd00::5' }],
    ['0--1.ipv6-literal.net', { kind: 'ipv6', host: '::1' }],
    ['fe80--1slo.ipv6-literal.net', { kind: 'ipv6', host: 'fe80::1%lo' }],
    ['[::ffff:10.0.0.5]', { kind: 'ipv6', host: '::ffff:10.0.0.5' }],
  ])('%s → %j', (text, address) => {
    expect(parseHostAddress(text)).toEqual({ ok: true, address });
  });

  it('writes IPv6 in brackets in a UNC path, and every other host as is', () => {
    expect(uncHost({ kind: 'ipv6', host: 'fd00::5' })).toBe('[fd00::5]');
    expect(uncHost({ kind: 'fqdn', host: 'nas.contoso.com' })).toBe('nas.contoso.com');
  });

  it.each([
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
  ])('canonical text of %s is %s', (address, canonical) => {
    expect(canonicalIpv6(address)).toBe(canonical);
  });
});
