import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicEncrypt, privateDecrypt, constants } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateLegacyKey,
  generateSelfSignedCertificate,
  inspectCertificate,
  openPfx,
  publicKeyFromCertificate,
  type SelfSignedCertificate,
} from '../../../main/engine/certificates';
import { EngineError } from '../../../main/engine/errors';
import { fingerprintOf, openssl } from './openssl';

const PFX_PASSWORD = 'Correct-Horse-42';
let dir: string;
let generated: SelfSignedCertificate;

function refusal(action: () => unknown): EngineError {
  try {
    action();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function opensslCertificate(name: string, keySpec: string, extra: string[] = []): { cert: Buffer; key: Buffer } {
  const result = openssl(
    [
      'req',
      '-x509',
      '-newkey',
      keySpec,
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      `/CN=${name}.example.com/O=Contoso`,
      '-days',
      '30',
      ...extra,
    ],
    { cwd: dir },
  );
  expect(result.status, result.stderr).toBe(0);
  return { cert: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ibc-cert-'));
  generated = generateSelfSignedCertificate({
    dnsName: 'backup.contoso.com',
    years: 2,
    pfxPassword: PFX_PASSWORD,
    now: new Date('2026-01-01T00:00:00Z'),
  });
  writeFileSync(join(dir, 'generated.cer'), generated.cerDer);
  writeFileSync(join(dir, 'generated.pfx'), generated.pfxDer);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated self-signed certificate', () => {
  it('has the thumbprint openssl computes, RSA 3072, SAN, key usage and validity in years', () => {
    const result = openssl(['x509', '-inform', 'der', '-in', 'generated.cer', '-noout', '-fingerprint', '-sha1', '-text'], { cwd: dir });
    expect(result.status, result.stderr).toBe(0);
    expect(generated.info.thumbprint).toBe(fingerprintOf(result.stdout));
    expect(generated.info.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(generated.info.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(result.stdout).toContain('DNS:backup.contoso.com');
    expect(result.stdout).toMatch(/Key Encipherment, Data Encipherment/);
    expect(generated.info.keyBits).toBe(3072);
    expect(generated.info.subject).toBe('CN=backup.contoso.com');
    expect(generated.info.notBefore).toBe('2026-01-01T00:00:00.000Z');
    expect(generated.info.notAfter).toBe('2028-01-01T00:00:00.000Z');
  });

  it('.pfx opens with OpenSSL 3 without -legacy, using AES-256 and a SHA-256 MAC', () => {
    const result = openssl(['pkcs12', '-in', 'generated.pfx', '-passin', 'stdin', '-info', '-nokeys', '-nocerts'], {
      cwd: dir,
      stdin: `${PFX_PASSWORD}\n`,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/MAC: sha256/);
    expect(result.stderr).toMatch(/AES-256-CBC/);
    expect(result.stderr).not.toMatch(/RC2|3DES|DES-EDE/);
    const withKeys = openssl(['pkcs12', '-in', 'generated.pfx', '-passin', 'env:PFXPASS', '-nodes'], {
      cwd: dir,
      env: { PFXPASS: PFX_PASSWORD },
    });
    expect(withKeys.status, withKeys.stderr).toBe(0);
    expect(withKeys.stdout).toContain('BEGIN PRIVATE KEY');
    expect(withKeys.stdout).toContain('BEGIN CERTIFICATE');
  });

  it('.pfx opens with python-cryptography too (an independent PKCS#12 reader)', () => {
    const script = [
      'import sys',
      'from cryptography.hazmat.primitives.serialization import pkcs12',
      'password = sys.stdin.readline().rstrip("\\n").encode()',
      'key, cert, extra = pkcs12.load_key_and_certificates(open(sys.argv[1], "rb").read(), password)',
      'print(key.key_size, cert.subject.rfc4514_string())',
    ].join('\n');
    const result = spawnSync('/usr/bin/python3', ['-c', script, join(dir, 'generated.pfx')], {
      input: `${PFX_PASSWORD}\n`,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('3072 CN=backup.contoso.com');
  });

  it('.pfx does not open with a wrong password (OpenSSL and openPfx)', () => {
    const result = openssl(['pkcs12', '-in', 'generated.pfx', '-passin', 'stdin', '-noout'], { cwd: dir, stdin: 'wrong-password\n' });
    expect(result.status).not.toBe(0);
    const error = refusal(() => openPfx(generated.pfxDer, 'wrong-password'));
    expect(error.code).toBe('wrong-key');
  });

  it('openPfx returns the private key matching the certificate', () => {
    const opened = openPfx(generated.pfxDer, PFX_PASSWORD);
    expect(opened.certificate?.thumbprint).toBe(generated.info.thumbprint);
    const secret = Buffer.from('data key');
    const wrapped = publicEncrypt(
      { key: publicKeyFromCertificate(generated.cerDer), oaepHash: 'sha256', padding: constants.RSA_PKCS1_OAEP_PADDING },
      secret,
    );
    expect(privateDecrypt({ key: opened.privateKey, oaepHash: 'sha256', padding: constants.RSA_PKCS1_OAEP_PADDING }, wrapped)).toEqual(
      secret,
    );
  });

  it('openPfx opens a .pfx made by OpenSSL 3 with its defaults', () => {
    opensslCertificate('osslpfx', 'rsa:2048');
    const exported = openssl(
      ['pkcs12', '-export', '-in', 'osslpfx.pem', '-inkey', 'osslpfx.key', '-out', 'osslpfx.pfx', '-passout', 'env:PFXPASS'],
      { cwd: dir, env: { PFXPASS: PFX_PASSWORD } },
    );
    expect(exported.status, exported.stderr).toBe(0);
    const opened = openPfx(readFileSync(join(dir, 'osslpfx.pfx')), PFX_PASSWORD);
    expect(opened.certificate?.subject).toContain('CN=osslpfx.example.com');
  });
});

describe('inspectCertificate', () => {
  it('reads an OpenSSL-made PEM certificate with the thumbprint openssl shows', () => {
    const { cert } = opensslCertificate('ossl', 'rsa:2048');
    const fingerprint = openssl(['x509', '-in', 'ossl.pem', '-noout', '-fingerprint', '-sha1'], { cwd: dir });
    const info = inspectCertificate(cert);
    expect(info.thumbprint).toBe(fingerprintOf(fingerprint.stdout));
    expect(info.keyBits).toBe(2048);
    expect(info.subject).toContain('CN=ossl.example.com');
    expect(info.warnings).toEqual([]);
    // the same certificate as DER gives the same thumbprint
    const der = openssl(['x509', '-in', 'ossl.pem', '-outform', 'der', '-out', 'ossl.der'], { cwd: dir });
    expect(der.status).toBe(0);
    expect(inspectCertificate(readFileSync(join(dir, 'ossl.der'))).thumbprint).toBe(info.thumbprint);
  });

  it('refuses a PEM that also carries the private key, explaining how to export the public part', () => {
    const { cert, key } = opensslCertificate('withkey', 'rsa:2048');
    const error = refusal(() => inspectCertificate(Buffer.concat([cert, key])));
    expect(error.code).toBe('invalid-input');
    expect(error.field).toBe('certificate');
    expect(error.message).toMatch(/private key/);
    expect(error.remediation).toMatch(/Export-Certificate/);
    expect(error.remediation).toMatch(/-nokeys/);
  });

  it('refuses a .pfx (generated and OpenSSL-made) and a bare DER private key', () => {
    expect(refusal(() => inspectCertificate(generated.pfxDer)).message).toMatch(/PKCS#12/);
    expect(refusal(() => inspectCertificate(readFileSync(join(dir, 'osslpfx.pfx')))).message).toMatch(/PKCS#12/);
    const derKey = openssl(['pkey', '-in', 'withkey.key', '-outform', 'der', '-out', 'withkey.key.der'], { cwd: dir });
    expect(derKey.status).toBe(0);
    expect(refusal(() => inspectCertificate(readFileSync(join(dir, 'withkey.key.der')))).message).toMatch(/private key/);
  });

  it('refuses RSA 1024 and non-RSA keys', () => {
    const { cert } = opensslCertificate('weak', 'rsa:1024');
    const weak = refusal(() => inspectCertificate(cert));
    expect(weak.field).toBe('certificate');
    expect(weak.message).toMatch(/1024 bits; at least 2048/);
    const ec = opensslCertificate('ec', 'ec', ['-pkeyopt', 'ec_paramgen_curve:P-256']);
    expect(refusal(() => inspectCertificate(ec.cert)).message).toMatch(/EC key/);
  });

  it('warns (does not refuse) when expired, not yet valid, or without keyEncipherment', () => {
    expect(inspectCertificate(generated.cerDer, new Date('2030-01-01T00:00:00Z')).warnings.join(' ')).toMatch(/expired/);
    expect(inspectCertificate(generated.cerDer, new Date('2025-01-01T00:00:00Z')).warnings.join(' ')).toMatch(/not valid before/);
    expect(inspectCertificate(generated.cerDer, new Date('2026-06-01T00:00:00Z')).warnings).toEqual([]);
    const { cert } = opensslCertificate('signonly', 'rsa:2048', ['-addext', 'keyUsage=critical,digitalSignature']);
    expect(inspectCertificate(cert).warnings.join(' ')).toMatch(/keyEncipherment/);
  });

  it('refuses garbage and empty input', () => {
    expect(refusal(() => inspectCertificate(Buffer.from('not a certificate'))).field).toBe('certificate');
    expect(refusal(() => inspectCertificate(Buffer.alloc(0))).field).toBe('certificate');
  });
});

describe('generateLegacyKey', () => {
  it('returns base64 of 32 random bytes, different each time', () => {
    const first = generateLegacyKey();
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(first).toHaveLength(44);
    expect(generateLegacyKey()).not.toBe(first);
  });
});
