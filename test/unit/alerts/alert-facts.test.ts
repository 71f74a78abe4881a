import { describe, expect, it } from 'vitest';
import { backupFacts } from '../../../main/engine/alerts/alert-facts';

describe('alert facts', () => {
  it('from backups: size of the newest complete backup, bytes stored', () => {
    const facts = backupFacts([
      { createdAt: '2026-01-01T00:00:00Z', completedAt: '2026-01-01T00:20:00Z', state: 'Succeeded', sizeBytes: 100 },
      { createdAt: '2026-01-02T00:00:00Z', completedAt: '2026-01-02T00:20:00Z', state: 'PartialSucceeded', sizeBytes: 80 },
      { createdAt: '2026-01-03T00:00:00Z', completedAt: '2026-01-03T00:20:00Z', state: 'Failed', sizeBytes: 5 },
      { createdAt: '2026-01-04T00:00:00Z', completedAt: null, state: 'Creating', sizeBytes: 999 },
    ]);
    expect(facts).toEqual({ lastBackupSizeBytes: 80, storedBackupBytes: 185 });
    expect(backupFacts([])).toEqual({ lastBackupSizeBytes: null, storedBackupBytes: 0 });
  });
});
