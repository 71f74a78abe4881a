import type { BackupConsoleApi } from '../../../preload/api';
import type { EngineContext } from '../context';

type SourceMethods = Pick<BackupConsoleApi, 'listSources' | 'addSource' | 'removeSource'>;

export function sourceMethods(ctx: EngineContext): SourceMethods {
  return {
    listSources: async () => ctx.sources.views(),
    addSource: async ({ name, folder }) => ctx.sources.addFolder({ name, folder }),
    removeSource: async ({ name }) => ctx.sources.remove(name, 'folders-only'),
  };
}
