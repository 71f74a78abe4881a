import { describe, expect, it } from 'vitest';
import { API_CONTRACT, apiEvent, parseMethodInput } from '../../../common/contract/methods';
import { API_METHODS, type ApiEvent, type ApiMethod, type AssertNone, type BackupConsoleApi } from '../../../preload/api';

// ─── compile-time: `tsc -p tsconfig.node.json` (npm run typecheck) checks this file ───
// Each @ts-expect-error below is itself an error if the line compiles, so the
// contract's completeness is proven by the type-check, not only asserted.

// A method without a schema is not a method of the contract.
// @ts-expect-error 'deleteAllBackups' has no entry in API_CONTRACT
const unknownMethod: ApiMethod = 'deleteAllBackups';

// A method list that leaves out a method with a schema does not compile (this is API_METHODS' own check).
// @ts-expect-error 'listAlerts' is missing from the list
type _ListMissingAMethod = AssertNone<Exclude<ApiMethod, Exclude<(typeof API_METHODS)[number], 'listAlerts'>>>;

// Never called: these only need to compile (or, where marked, not to).
export function implementationChecks(engine: BackupConsoleApi): unknown[] {
  // An implementation cannot add a method the schemas do not define…
  const withExtraMethod: BackupConsoleApi = {
    ...engine,
    // @ts-expect-error 'deleteAllBackups' is not in the contract
    deleteAllBackups: async () => undefined,
  };
  // …nor leave one out.
  // @ts-expect-error every method of the contract must be implemented
  const withMissingMethod: BackupConsoleApi = { getAppInfo: engine.getAppInfo };
  // Inputs and results are the schemas' types: a wrong field type does not compile.
  // @ts-expect-error frequencyHours is a number
  const wrongInput = engine.saveSettings({ frequencyHours: '12' });
  return [withExtraMethod, withMissingMethod, wrongInput];
}

describe('the contract from one source', () => {
  it('lists every method of the schema table once, in the table order', () => {
    expect([...API_METHODS]).toEqual(Object.keys(API_CONTRACT));
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
    expect(API_METHODS).not.toContain(unknownMethod);
  });

  it('gives every method an input and a result schema', () => {
    for (const method of API_METHODS) {
      expect(typeof API_CONTRACT[method].input.safeParse, method).toBe('function');
      expect(typeof API_CONTRACT[method].result.safeParse, method).toBe('function');
    }
  });

  it('rejects input for methods that take none, unknown fields and wrong shapes, naming the field', () => {
    expect(parseMethodInput('getAppInfo', undefined)).toEqual({ ok: true, value: undefined });
    expect(parseMethodInput('getAppInfo', { surprise: 1 })).toMatchObject({ ok: false, field: 'input' });
    expect(parseMethodInput('saveSettings', { location: '\\\\h\\s', admin: true })).toMatchObject({ ok: false });
    expect(parseMethodInput('saveSettings', { frequencyHours: '12' })).toMatchObject({ ok: false, field: 'frequencyHours' });
    expect(parseMethodInput('getTimeline', { kinds: ['nonsense'] })).toMatchObject({ ok: false, field: 'kinds.0' });
    expect(
      parseMethodInput('verifyBackup', { backupId: 'x', key: { kind: 'pfx', pfxBase64: 'not base64!', password: 'p' } }),
    ).toMatchObject({ ok: false, field: 'key.pfxBase64' });
  });

  it('says a rule in the rule’s own words, and a structural fault with its field', () => {
    const rule = parseMethodInput('generateCertificate', {
      dnsName: 'not a name',
      pfxPassword: 'long enough password',
      pfxPasswordConfirm: 'long enough password',
    });
    expect(rule).toMatchObject({ ok: false, field: 'dnsName' });
    expect(!rule.ok && rule.message).toMatch(/^DNS name "not a name" is not valid/);
    const structural = parseMethodInput('removeSource', { name: 7 });
    expect(!structural.ok && structural.message).toMatch(/^Invalid request: name: /);
  });

  it('previews only frequencies and retention periods the settings allow, with the settings rule’s words', () => {
    const retention = parseMethodInput('previewRetention', { retentionDays: 1 });
    expect(retention).toMatchObject({ ok: false, field: 'retentionDays' });
    expect(!retention.ok && retention.message).toMatch(/Retention period in days must be from 2 to 14 days/);
    expect(parseMethodInput('previewFrequency', { frequencyHours: 13 })).toMatchObject({ ok: false, field: 'frequencyHours' });
    expect(parseMethodInput('previewFrequency', { frequencyHours: 4 })).toMatchObject({ ok: true });
  });

  it('describes every event with the ApiEvent schema', () => {
    const event: ApiEvent = { type: 'alerts-changed', alerts: [] };
    expect(apiEvent.parse(event)).toEqual(event);
    expect(apiEvent.safeParse({ type: 'job-finished', backup: null }).success).toBe(false);
  });
});
