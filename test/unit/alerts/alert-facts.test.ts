import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../../preload/api';
import { backupFacts, lastRunFromTimeline } from '../../../main/engine/alerts/alert-facts';

describe('alert facts', () => {
  it('from backups: last success, size of the newest complete backup, bytes stored', () => {
    const facts = backupFacts([
      { createdAt: '2026-01-01T00:00:00Z', completedAt: '2026-01-01T00:20:00Z', state: 'Succeeded', sizeBytes: 100 },
      { createdAt: '2026-01-02T00:00:00Z', completedAt: '2026-01-02T00:20:00Z', state: 'PartialSucceeded', sizeBytes: 80 },
      { createdAt: '2026-01-03T00:00:00Z', completedAt: '2026-01-03T00:20:00Z', state: 'Failed', sizeBytes: 5 },
      { createdAt: '2026-01-04T00:00:00Z', completedAt: null, state: 'Creating', sizeBytes: 999 },
    ]);
    expect(facts).toEqual({ lastSuccessAt: '2026-01-01T00:20:00Z', lastBackupSizeBytes: 80, storedBackupBytes: 185 });
    expect(backupFacts([])).toEqual({ lastSuccessAt: null, lastBackupSizeBytes: null, storedBackupBytes: 0 });
  });

  it('from the timeline: the newest run-finished event', () => {
    const events: TimelineEvent[] = [
      { id: '3', at: '2026-01-03T00:00:00Z', kind: 'slot-skipped', summary: 's' },
      {
        id: '2',
        at: '2026-01-02T00:00:00Z',
        kind: 'run-finished',
        summary: 'f',
        state: 'Failed',
        category: 'authentication',
        reason: 'logon failure',
      },
      { id: '1', at: '2026-01-01T00:00:00Z', kind: 'run-finished', summary: 'ok', state: 'Succeeded' },
    ];
    expect(lastRunFromTimeline(events)).toEqual({
      state: 'Failed',
      finishedAt: '2026-01-02T00:00:00Z',
      category: 'authentication',
      message: 'logon failure',
    });
    expect(lastRunFromTimeline([])).toBeNull();
  });
});
