import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertCenter } from '../../../main/engine/alerts/alert-center';
import { ALERTS_FILE_NAME, alertFileStore } from '../../../main/engine/alerts/alert-file';
import { makeTempDir } from '../../support/temp-dir';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('ibc-alerts-');
});
afterEach(() => dir.remove());

describe('alert state file', () => {
  it('keeps active alerts across restarts and drops malformed entries', async () => {
    const facts = {
      now: new Date('2026-05-01T00:00:00.000Z'),
      configured: true,
      lastRun: { state: 'Failed' as const, finishedAt: '2026-05-01T00:00:00.000Z', category: 'path' as const },
      lastSuccessAt: '2026-04-30T20:00:00.000Z',
      schedule: { enabled: true, disabledSince: null, frequencyHours: 12, anchor: '2026-04-01T00:00:00.000Z' },
      retentionDays: 7,
      encryptionMode: 'certificate' as const,
    };
    await new AlertCenter({ store: alertFileStore(dir.path) }).update(facts);
    const reopened = await new AlertCenter({ store: alertFileStore(dir.path) }).list();
    expect(reopened.map((a) => a.kind)).toEqual(['path']);

    await writeFile(join(dir.path, ALERTS_FILE_NAME), JSON.stringify({ active: [{ id: 'x', kind: 'made-up' }, reopened[0]] }));
    expect((await new AlertCenter({ store: alertFileStore(dir.path) }).list()).map((a) => a.kind)).toEqual(['path']);
  });
});
