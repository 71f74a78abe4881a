import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateCertificateFromInput,
  generateLegacyKeyResult,
  inspectCertificateFromInput,
  openPfx,
} from '../../../main/engine/certificates';
import { EngineError } from '../../../main/engine/errors';
import { scrubSecrets } from '../../../main/engine/redact';

function failure(action: () => unknown): EngineError {
  try {
    action();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('key tooling contract methods', () => {
  it('generateCertificate returns a public .cer and a .pfx that opens with the password; years default to 1', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const result = generateCertificateFromInput(
      { dnsName: 'backup.contoso.com', pfxPassword: 'Pfx-Password-1', pfxPasswordConfirm: 'Pfx-Password-1' },
      now,
    );
    expect(result.certificate.notAfter).toBe('2027-05-01T00:00:00.000Z');
    expect(result.suggestedFileBase).toBe('backup.contoso.com');
    expect(new X509Certificate(Buffer.from(result.cerBase64, 'base64')).subject).toBe('CN=backup.contoso.com');
    expect(openPfx(Buffer.from(result.pfxBase64, 'base64'), 'Pfx-Password-1').certificate?.thumbprint).toBe(result.certificate.thumbprint);
    expect(inspectCertificateFromInput({ certificateBase64: result.cerBase64 }, now).thumbprint).toBe(result.certificate.thumbprint);
    expect(scrubSecrets('pfx Pfx-Password-1')).not.toContain('Pfx-Password-1');
  });

  it('refuses mismatched passwords, short passwords, bad DNS names and years out of range, naming the field', () => {
    expect(
      failure(() => generateCertificateFromInput({ dnsName: 'a.b', pfxPassword: 'Pfx-Password-1', pfxPasswordConfirm: 'other-password' }))
        .field,
    ).toBe('pfxPasswordConfirm');
    expect(failure(() => generateCertificateFromInput({ dnsName: 'a.b', pfxPassword: 'short', pfxPasswordConfirm: 'short' })).field).toBe(
      'pfxPassword',
    );
    expect(
      failure(() =>
        generateCertificateFromInput({ dnsName: 'not a name', pfxPassword: 'Pfx-Password-1', pfxPasswordConfirm: 'Pfx-Password-1' }),
      ).field,
    ).toBe('dnsName');
    expect(
      failure(() =>
        generateCertificateFromInput({ dnsName: 'a.b', years: 0, pfxPassword: 'Pfx-Password-1', pfxPasswordConfirm: 'Pfx-Password-1' }),
      ).field,
    ).toBe('years');
  });

  it('inspectCertificate refuses non-base64 input on the certificate field', () => {
    expect(failure(() => inspectCertificateFromInput({ certificateBase64: '%%%' })).field).toBe('certificate');
  });

  it('generateLegacyKey returns 32 random bytes in base64', () => {
    expect(Buffer.from(generateLegacyKeyResult().keyBase64, 'base64')).toHaveLength(32);
  });
});
