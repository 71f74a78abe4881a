import { readdirSync } from 'node:fs';
import { z } from 'zod';
import type { DeclaredBackupInfo, SourceView } from '../../../preload/api';
import { declaredBackupInfo } from '../../../common/contract/views';
import { EngineError, invalidInput } from '../errors';
import { describeUnusable, keepAside, keptAsideNotice, newestKeptAside, readStateText, writeStateText } from '../app/state-file';
import { ensureSampleStamp, SAMPLE_COMPONENTS } from './sample-stamp';
import {
  checkComponentName,
  checkSourceList,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  MAX_COMMAND_TIMEOUT_SECONDS,
  type SourceDefinition,
} from './source';
import { dirname, isAbsolute, join } from 'node:path';

export const SOURCES_FILE_NAME = 'sources.json';

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string(), kind: z.literal('folder'), folder: z.string() }),
  z.object({
    name: z.string(),
    kind: z.literal('command'),
    command: z.string(),
    timeoutSeconds: z.number().int().positive(),
    backupInfo: declaredBackupInfo.optional(),
  }),
]);
const fileSchema = z.object({ sources: z.array(sourceSchema) });

/**
 * The operator's backup sources, in `sources.json` in the config dir
 * (replaced atomically, 0600: a command can hold credentials). With none
 * defined, the bundled sample stamp is used.
 *
 * A file that cannot be used is kept aside and reported; until the operator
 * puts it back or defines the sources again, backups stop rather than
 * quietly backing up the sample stamp instead of the stamp.
 */
export class SourceStore {
  readonly path: string;

  constructor(
    private readonly configDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = join(configDir, SOURCES_FILE_NAME);
  }

  defined(): SourceDefinition[] {
    const stored = this.read();
    if (stored !== null) return stored;
    const aside = newestKeptAside(this.path, namesIn(dirname(this.path)));
    if (aside !== null) throw sourcesKeptAside(this.path, aside);
    return [];
  }

  /** The stored list, or null when there is no file; an unusable file is kept aside and reported. */
  private read(): SourceDefinition[] | null {
    const text = readStateText(this.path);
    if (text === null) return null;
    let reason: string;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text) as unknown);
      if (parsed.success) return parsed.data.sources;
      reason = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.map(String).join('.') || 'file'}: ${issue.message}`)
        .join('; ');
    } catch (error) {
      reason = describeUnusable(error);
    }
    const aside = keepAside(this.path, this.now());
    throw new EngineError({
      code: 'settings-corrupt',
      field: 'sources',
      message: keptAsideNotice(this.path, reason, aside ?? this.path, 'backups are stopped until the sources are defined again.'),
      remediation: `Correct that file and move it back to ${this.path}, or define the sources again (infra-backup sources add …).`,
    });
  }

  private write(sources: SourceDefinition[]): void {
    writeStateText(this.path, `${JSON.stringify({ sources }, null, 2)}\n`);
  }

  /** What the next backup takes: the operator's sources, or the sample stamp. */
  async effective(): Promise<SourceDefinition[]> {
    const defined = this.defined();
    return defined.length > 0 ? defined : ensureSampleStamp(join(this.configDir, 'sample-stamp'));
  }

  views(): SourceView[] {
    const defined = this.defined();
    if (defined.length === 0) {
      return SAMPLE_COMPONENTS.map((name) => ({ name, kind: 'sample', detail: 'bundled sample stamp', builtIn: true }));
    }
    return defined.map((source) =>
      source.kind === 'folder'
        ? { name: source.name, kind: 'folder', detail: source.folder, builtIn: false }
        : {
            name: source.name,
            kind: 'command',
            detail: source.command,
            timeoutSeconds: source.timeoutSeconds,
            ...(source.backupInfo ? { backupInfo: source.backupInfo } : {}),
            builtIn: false,
          },
    );
  }

  /** A folder source (what the window and the web host may add: the contract's addSource). */
  addFolder(input: { name: string; folder: string }): SourceView[] {
    checkComponentName(input.name);
    if (!isAbsolute(input.folder)) throw invalidInput('folder', `The folder must be an absolute path (got "${input.folder}").`);
    return this.addDefinition({ name: input.name, kind: 'folder', folder: input.folder });
  }

  /** A command source: station-only (station-sources.ts), never reachable through the contract. */
  addCommand(input: CommandSourceInput): SourceView[] {
    checkComponentName(input.name);
    if (input.command.trim() === '')
      throw invalidInput('command', 'The command is empty.', 'Give the command whose standard output is the data.');
    const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_COMMAND_TIMEOUT_SECONDS) {
      throw invalidInput(
        'timeoutSeconds',
        `The command timeout must be a whole number of seconds from 1 to ${MAX_COMMAND_TIMEOUT_SECONDS}.`,
      );
    }
    const declared = declaredBackupInfo.safeParse(input.backupInfo ?? {});
    if (!declared.success) {
      const issue = declared.error.issues[0];
      throw invalidInput(
        String(issue?.path[0] ?? 'backupInfo'),
        `${String(issue?.path[0] ?? 'The declaration')}: ${issue?.message ?? 'not valid'} (1–256 characters).`,
        'Give the version or ID as the stamp reports it, or leave it out.',
      );
    }
    const backupInfo = Object.fromEntries(Object.entries(declared.data).filter(([, value]) => value !== undefined));
    return this.addDefinition({
      name: input.name,
      kind: 'command',
      command: input.command,
      timeoutSeconds,
      ...(Object.keys(backupInfo).length > 0 ? { backupInfo } : {}),
    });
  }

  /**
   * Removes a source. `folders-only` is the contract's removeSource: a command
   * source is shown read-only there and managed on the station.
   */
  remove(name: string, scope: 'folders-only' | 'any'): SourceView[] {
    const defined = this.defined();
    const source = defined.find((candidate) => candidate.name === name);
    if (!source) throw invalidInput('name', `There is no source named "${name}".`, 'List the sources to see their names.');
    if (source.kind === 'command' && scope === 'folders-only') throw commandSourceIsStationOnly(name);
    this.write(defined.filter((candidate) => candidate.name !== name));
    return this.views();
  }

  private addDefinition(source: SourceDefinition): SourceView[] {
    // Adding to a missing file (even one kept aside) starts a new list: that is "defining the sources again".
    const next = [...(this.read() ?? []), source];
    checkSourceList(next);
    this.write(next);
    return this.views();
  }
}

export interface CommandSourceInput {
  name: string;
  command: string;
  timeoutSeconds?: number;
  /** What the command's data is, under Azure Stack's backupInfo names: carried into each backup's manifest. */
  backupInfo?: DeclaredBackupInfo;
}

function commandSourceIsStationOnly(name: string): EngineError {
  return invalidInput(
    'name',
    `"${name}" is a command source: it runs a shell command as the console's user, so it is managed on the station only.`,
    `Remove it there: infra-backup sources remove ${name}`,
  );
}

function sourcesKeptAside(path: string, aside: string): EngineError {
  return new EngineError({
    code: 'settings-corrupt',
    field: 'sources',
    message: `The sources file ${path} could not be used and was kept as ${aside}; backups are stopped until the sources are defined again, rather than backing up the sample stamp instead.`,
    remediation: `Correct that file and move it back to ${path}, or define the sources again (infra-backup sources add …), or delete it to back up the bundled sample stamp.`,
  });
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
