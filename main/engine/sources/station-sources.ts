import type { SourceView } from '../../../preload/api';
import type { SourceStore, CommandSourceInput } from './source-store';

/**
 * Source management that only a front door running on the station as the
 * console's user reaches (the CLI). A command source runs a shell command as
 * that user, so it is not part of the contract (common/contract): the
 * Electron IPC layer and the web host derive their routes from the contract
 * and cannot call these.
 */
export interface StationSources {
  addCommandSource(input: CommandSourceInput): Promise<SourceView[]>;
  /** Any source, command sources included. */
  removeSource(name: string): Promise<SourceView[]>;
}

export function stationSources(sources: SourceStore): StationSources {
  return {
    addCommandSource: async (input) => sources.addCommand(input),
    removeSource: async (name) => sources.remove(name, 'any'),
  };
}
