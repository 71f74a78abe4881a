import { describe, expect, it } from 'vitest';
import type { PruneResult } from '../../../preload/api';
import { usePruneStore } from '../../../renderer/src/stores/prune';
import { freshStores } from './fake-transport';
import { backup } from './views';

const DRY_RUN: PruneResult = {
  operation: 'DryRun',
  notExamined: 0,
  items: [
    { name: '20261120T100000Z-aaaaaa.partial', kind: 'partial', reason: 'an unfinished backup', action: 'would-remove' },
    {
      name: '20261129T100000Z-bbbbbb.partial',
      kind: 'partial',
      reason: 'an unfinished backup',
      action: 'kept',
      detail: 'a backup running now is writing it',
    },
    {
      name: 'holiday-photos',
      kind: 'unknown',
      reason: 'no manifest.json',
      action: 'kept',
      detail: 'removed only when you confirm it by name',
    },
    { name: 'notes.txt', kind: 'unknown', reason: 'a file', action: 'kept', detail: 'removed only when you confirm it by name' },
  ],
};

describe('prune store', () => {
  it('lists by a dry run; removes what it would remove and only the Unknown entries ticked, after a confirmation; then lists the backups again', async () => {
    const engine = freshStores();
    engine
      .answer('pruneExternalStore', (input) =>
        input.operation === 'DryRun'
          ? DRY_RUN
          : { operation: 'Default', notExamined: 0, items: DRY_RUN.items.map((item) => ({ ...item, action: 'removed' as const })) },
      )
      .answer('listBackups', () => [backup('20261128T100000Z-cccccc')])
      .answer('getActiveJob', () => null);
    const prune = usePruneStore();
    await prune.open();
    expect(engine.inputsOf('pruneExternalStore')).toEqual([{ operation: 'DryRun' }]);
    expect(prune.phase).toBe('review');
    expect(prune.toRemove.map((item) => item.name)).toEqual(['20261120T100000Z-aaaaaa.partial']);

    prune.toggleUnknown('holiday-photos', true);
    prune.toggleUnknown('notes.txt', true);
    prune.toggleUnknown('notes.txt', false);
    expect(prune.toRemove.map((item) => item.name)).toEqual(['20261120T100000Z-aaaaaa.partial', 'holiday-photos']);
    prune.review();
    expect(prune.phase).toBe('confirming');
    expect(engine.inputsOf('pruneExternalStore')).toHaveLength(1);

    await prune.prune();
    expect(engine.inputsOf('pruneExternalStore')[1]).toEqual({ operation: 'Default', removeUnknown: ['holiday-photos'] });
    expect(prune.phase).toBe('done');
    expect(engine.inputsOf('listBackups')).toHaveLength(1);
  });

  it("a refusal (a backup runs) is shown in the engine's words and removes nothing; nothing to remove, nothing to confirm", async () => {
    const engine = freshStores();
    engine
      .answer('pruneExternalStore', () => DRY_RUN)
      .answer('listBackups', () => [])
      .answer('getActiveJob', () => null);
    const prune = usePruneStore();
    await prune.open();
    prune.review();
    engine.fail('pruneExternalStore', { code: 'backup-running', message: 'A backup is running on this share; prune waits until it ends.' });
    await prune.prune();
    expect(prune.phase).toBe('review');
    expect(prune.error?.message).toBe('A backup is running on this share; prune waits until it ends.');

    engine.answer('pruneExternalStore', () => ({ operation: 'DryRun', notExamined: 0, items: [] }));
    await prune.open();
    expect(prune.error).toBeNull();
    prune.review();
    expect(prune.phase).toBe('review');
  });
});
