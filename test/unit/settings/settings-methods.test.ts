import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiInput, ApiMethod, ApiOutput, ApiResult } from '../../../preload/api';
import { dispatch } from '../../../main/engine/dispatch';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

// The settings methods as every front door reaches them: through dispatch on the engine.
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let engine: Engine;
let events: ApiEvent[];
const call = <M extends ApiMethod>(method: M, input: ApiInput<M> | unknown): Promise<ApiResult<ApiOutput<M>>> =>
  dispatch(engine, method, input);
const value = async <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> => {
  const result = await call(method, input);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
};

beforeEach(async () => {
  temp = await makeTempDir();
  events = [];
  engine = createEngine({
    configDir: join(temp.path, 'config'),
    version: 'test',
    frontDoor: 'cli',
    logger: createLogger({ level: 'silent' }),
  });
  engine.onEvent((event) => events.push(event));
});
afterEach(async () => {
  await engine.close();
  await temp.remove();
});

describe('settings contract methods', () => {
  it('inspect → save → show → history → export, as an operator does it', async () => {
    const cerBase64 = testCertificate().cerDer.toString('base64');
    const info = await value('inspectCertificate', { certificateBase64: cerBase64 });
    const saved = await value('saveSettings', {
      location: join(temp.path, 'share'),
      certificateBase64: cerBase64,
    });
    expect(events.filter((event) => event.type === 'settings-changed')).toEqual([{ type: 'settings-changed', settings: saved }]);
    expect(await value('getSettings', undefined)).toEqual(saved);
    expect(saved.encryption.mode === 'certificate' && saved.encryption.certificate.thumbprint).toBe(info.thumbprint);
    expect((await value('getCertificateHistory', undefined)).map((entry) => entry.thumbprint)).toEqual([info.thumbprint]);
    expect((await value('exportSettings', undefined)).properties.externalStoreDefault.password).toBeNull();
  });

  it('rejects with typed errors naming the field, and changes nothing', async () => {
    for (const [input, field] of [
      [{ frequencyHours: 3 }, 'frequencyHours'],
      [{ location: '\\\\server\\share\\..' }, 'location'],
      [{ retentionDays: 15 }, 'retentionDays'],
      [{ smbPort: 0 }, 'smbPort'],
    ] as const) {
      const result = await call('saveSettings', input);
      expect(result.ok ? null : { code: result.error.code, field: result.error.field }, field).toEqual({ code: 'invalid-input', field });
    }
    const refusedImport = await call('importSettings', { document: { properties: {} } });
    expect(refusedImport.ok ? null : refusedImport.error.code).toBe('invalid-input');
    expect(events).toEqual([]);
    expect((await value('getSettings', undefined)).configured).toBe(false);
  });
});
