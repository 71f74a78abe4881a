import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PruneItem, PruneResult } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';
import { useBackupsStore } from './backups';

/** listing: the dry run runs; review: its list, with Remove; confirming: "remove these?"; pruning: Default runs; done: its result. */
export type PrunePhase = 'closed' | 'listing' | 'review' | 'confirming' | 'pruning' | 'done';

/**
 * Prune the share (the engine's pruneExternalStore): always a DryRun first,
 * then, after the operator confirms, Default with the Unknown entries they
 * ticked one by one. What is and is not removable is the engine's rule: this
 * store only carries the operator's choice.
 */
export const usePruneStore = defineStore('prune', () => {
  const phase = ref<PrunePhase>('closed');
  const dryRun = ref<PruneResult | null>(null);
  const result = ref<PruneResult | null>(null);
  const error = ref<ApiCallError | null>(null);
  /** Unknown entries the operator ticked: only these Unknown entries are removed. */
  const tickedUnknown = ref<string[]>([]);

  /** What Default removes: what the dry run would remove, and the ticked Unknown entries. */
  const toRemove = computed<PruneItem[]>(() =>
    (dryRun.value?.items ?? []).filter(
      (item) => item.action === 'would-remove' || (item.kind === 'unknown' && tickedUnknown.value.includes(item.name)),
    ),
  );

  async function open(): Promise<void> {
    phase.value = 'listing';
    dryRun.value = result.value = error.value = null;
    tickedUnknown.value = [];
    try {
      dryRun.value = await useApi().call('pruneExternalStore', { operation: 'DryRun' });
      phase.value = 'review';
    } catch (caught) {
      error.value = asApiError(caught);
      phase.value = 'review';
    }
  }

  function toggleUnknown(name: string, ticked: boolean): void {
    tickedUnknown.value = ticked ? [...new Set([...tickedUnknown.value, name])] : tickedUnknown.value.filter((entry) => entry !== name);
  }

  function review(): void {
    if (toRemove.value.length > 0) phase.value = 'confirming';
  }

  function back(): void {
    phase.value = 'review';
  }

  /** Default: removes what the dry run listed (the engine decides again, under the share lock), then reads the list of backups again. */
  async function prune(): Promise<void> {
    phase.value = 'pruning';
    error.value = null;
    const removeUnknown = tickedUnknown.value.slice();
    try {
      result.value = await useApi().call('pruneExternalStore', {
        operation: 'Default',
        ...(removeUnknown.length > 0 ? { removeUnknown } : {}),
      });
      phase.value = 'done';
    } catch (caught) {
      // Refused (a backup runs, the share failed): nothing was removed; the engine says why.
      error.value = asApiError(caught);
      phase.value = 'review';
    }
    await useBackupsStore().refresh();
  }

  function close(): void {
    phase.value = 'closed';
  }

  return { phase, dryRun, result, error, tickedUnknown, toRemove, open, toggleUnknown, review, back, prune, close };
});
