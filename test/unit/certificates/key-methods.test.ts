import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiInput, ApiMethod, ApiOutput, ApiResult } from '../../../preload/api';
import { openPfx } from '../../../main/engine/certificates';
import { dispatch } from '../../../main/engine/dispatch';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { scrubSecrets } from '../../../main/engine/redact';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

// The key-tooling methods as every front door reaches them: through dispatch (schema, then engine).
describe('key tooling contract methods', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  const call = <M extends ApiMethod>(method: M, input: ApiInput<M> | unknown): Promise<ApiResult<ApiOutput<M>>> =>
    dispatch(engine, method, input);
  const value = async <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> => {
    const result = await call(method, input);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value;
  };
  const failedField = async (method: ApiMethod, input: unknown): Promise<string | undefined> => {
    const result = await call(method, input);
    expect(result.ok ? null : result.error.code).toBe('invalid-input');
    return result.ok ? undefined : result.error.field;
  };

  beforeAll(async () => {
    temp = await makeTempDir();
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
      clock: new FakeClock('2026-05-01T00:00:00Z'),
    });
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  it('generateCertificate returns a public .cer and a .pfx that opens with the password; years default to 1', async () => {
    const result = await value('generateCertificate', {
      dnsName: 'backup.contoso.com',
      pfxPassword: 'Pfx-Password-1',
      pfxPasswordConfirm: 'Pfx-Password-1',
    });
    expect(result.certificate.notAfter).toBe('2027-05-01T00:00:00.000Z');
    expect(result.suggestedFileBase).toBe('backup.contoso.com');
    expect(new X509Certificate(Buffer.from(result.cerBase64, 'base64')).subject).toBe('CN=backup.contoso.com');
    expect(openPfx(Buffer.from(result.pfxBase64, 'base64'), 'Pfx-Password-1').certificate?.thumbprint).toBe(result.certificate.thumbprint);
    expect((await value('inspectCertificate', { certificateBase64: result.cerBase64 })).thumbprint).toBe(result.certificate.thumbprint);
    expect(scrubSecrets('pfx Pfx-Password-1')).not.toContain('Pfx-Password-1');
  });

  it('trims the DNS name: the subject and the file name carry the name, not the spaces around it', async () => {
    const result = await value('generateCertificate', {
      dnsName: ' backup.contoso.com ',
      pfxPassword: 'Pfx-Password-1',
      pfxPasswordConfirm: 'Pfx-Password-1',
    });
    expect(new X509Certificate(Buffer.from(result.cerBase64, 'base64')).subject).toBe('CN=backup.contoso.com');
    expect(result.certificate.subject).toBe('CN=backup.contoso.com');
    expect(result.suggestedFileBase).toBe('backup.contoso.com');
  });

  it('refuses mismatched passwords, short passwords, bad DNS names and years out of range, naming the field', async () => {
    const password = { pfxPassword: 'Pfx-Password-1', pfxPasswordConfirm: 'Pfx-Password-1' };
    expect(
      await failedField('generateCertificate', { dnsName: 'a.b', pfxPassword: 'Pfx-Password-1', pfxPasswordConfirm: 'other-one' }),
    ).toBe('pfxPasswordConfirm');
    expect(await failedField('generateCertificate', { dnsName: 'a.b', pfxPassword: 'short', pfxPasswordConfirm: 'short' })).toBe(
      'pfxPassword',
    );
    for (const dnsName of ['not a name', '   ', 'back_up.contoso.com', '-bad.contoso.com', 'a..b', `${'a'.repeat(64)}.com`])
      expect(await failedField('generateCertificate', { dnsName, ...password }), dnsName).toBe('dnsName');
    expect(await failedField('generateCertificate', { dnsName: 'a.b', years: 0, ...password })).toBe('years');
  });

  it('inspectCertificate refuses non-base64 input, naming the field', async () => {
    expect(await failedField('inspectCertificate', { certificateBase64: '%%%' })).toBe('certificateBase64');
  });

  it('generateLegacyKey returns 32 random bytes in base64', async () => {
    expect(Buffer.from((await value('generateLegacyKey', undefined)).keyBase64, 'base64')).toHaveLength(32);
  });
});
