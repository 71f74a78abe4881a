import Conf from 'conf';
import { z } from 'zod';
import type { AddSourceInput, SourceView } from '../../../preload/api';
import { invalidInput } from '../errors';
import { ensureSampleStamp, SAMPLE_COMPONENTS } from './sample-stamp';
import {
  checkComponentName,
  checkSourceList,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  MAX_COMMAND_TIMEOUT_SECONDS,
  type SourceDefinition,
} from './source';
import { isAbsolute, join } from 'node:path';

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string(), kind: z.literal('folder'), folder: z.string() }),
  z.object({ name: z.string(), kind: z.literal('command'), command: z.string(), timeoutSeconds: z.number().int().positive() }),
]);
const fileSchema = z.object({ sources: z.array(sourceSchema) });

/**
 * The operator's backup sources, in `sources.json` in the config dir (conf:
 * atomic writes). With none defined, the bundled sample stamp is used.
 */
export class SourceStore {
  private readonly conf: Conf<{ sources: SourceDefinition[] }>;

  constructor(private readonly configDir: string) {
    this.conf = new Conf<{ sources: SourceDefinition[] }>({
      cwd: configDir,
      configName: 'sources',
      defaults: { sources: [] },
      projectName: 'infra-backup-console',
    });
  }

  defined(): SourceDefinition[] {
    const parsed = fileSchema.safeParse(this.conf.store);
    if (!parsed.success)
      throw invalidInput(
        'sources',
        `The sources file ${this.conf.path} is not valid.`,
        'Fix or delete the file, then add the sources again.',
      );
    return parsed.data.sources;
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
        : { name: source.name, kind: 'command', detail: source.command, timeoutSeconds: source.timeoutSeconds, builtIn: false },
    );
  }

  add(input: AddSourceInput): SourceView[] {
    checkComponentName(input.name);
    if (!!input.folder === !!input.command)
      throw invalidInput(
        'source',
        'Give exactly one of a folder or a command.',
        'A source is a folder to back up, or a command whose output is the data.',
      );
    let source: SourceDefinition;
    if (input.folder) {
      if (!isAbsolute(input.folder)) throw invalidInput('folder', `The folder must be an absolute path (got "${input.folder}").`);
      source = { name: input.name, kind: 'folder', folder: input.folder };
    } else {
      const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS;
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_COMMAND_TIMEOUT_SECONDS) {
        throw invalidInput(
          'timeoutSeconds',
          `The command timeout must be a whole number of seconds from 1 to ${MAX_COMMAND_TIMEOUT_SECONDS}.`,
        );
      }
      source = { name: input.name, kind: 'command', command: input.command ?? '', timeoutSeconds };
    }
    const next = [...this.defined(), source];
    checkSourceList(next);
    this.conf.set('sources', next);
    return this.views();
  }

  remove(name: string): SourceView[] {
    const defined = this.defined();
    if (!defined.some((source) => source.name === name))
      throw invalidInput('name', `There is no source named "${name}".`, 'List the sources to see their names.');
    this.conf.set(
      'sources',
      defined.filter((source) => source.name !== name),
    );
    return this.views();
  }
}
