import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SourceView } from '../../../preload/api';
import { asApiError, useApi, type ApiCallError } from '../api';

/** What the next backup takes: the operator's folders, or the bundled sample stamp while there are none. */
export const useSourcesStore = defineStore('sources', () => {
  const sources = ref<SourceView[]>([]);
  const loaded = ref(false);
  const error = ref<ApiCallError | null>(null);
  const busy = ref(false);
  /** Shown beside Add folder: what the last change did. */
  const feedback = ref<string | null>(null);

  /** No sources of the operator's own: the sample stamp is what gets backed up. */
  const usingSample = computed(() => sources.value.length > 0 && sources.value.every((source) => source.builtIn));

  async function run(action: () => Promise<SourceView[]>, done: (before: SourceView[]) => string): Promise<boolean> {
    busy.value = true;
    feedback.value = null;
    const before = sources.value;
    try {
      sources.value = await action();
      error.value = null;
      feedback.value = done(before);
      return true;
    } catch (caught) {
      error.value = asApiError(caught);
      return false;
    } finally {
      busy.value = false;
      loaded.value = true;
    }
  }

  async function refresh(): Promise<void> {
    await run(
      () => useApi().call('listSources'),
      () => '',
    );
    feedback.value = null;
  }

  const addFolder = (name: string, folder: string): Promise<boolean> =>
    run(
      () => useApi().call('addSource', { name: name.trim(), folder: folder.trim() }),
      (before) =>
        before.every((source) => source.builtIn)
          ? `Added "${name.trim()}". Backups now take your sources only; the sample stamp is no longer backed up.`
          : `Added "${name.trim()}".`,
    );

  const remove = (name: string): Promise<boolean> =>
    run(
      () => useApi().call('removeSource', { name }),
      () =>
        sources.value.every((source) => source.builtIn)
          ? `Removed "${name}". With no sources of your own, backups take the bundled sample stamp again.`
          : `Removed "${name}".`,
    );

  return { sources, loaded, error, busy, feedback, usingSample, refresh, addFolder, remove };
});
