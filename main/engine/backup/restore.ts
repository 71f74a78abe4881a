import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { RestoreResult } from '../../../preload/api';
import { EngineError, invalidInput, isEngineError } from '../errors';
import type { FileShare } from '../share/file-share';
import { BACKUP_ROOT } from './backup-id';
import type { CatalogEntry } from './catalog';
import type { BackupFormat, ComponentRecord, UnlockedBackup } from './codec-port';
import type { OperationReporter } from './operations';
import { ByteCounter } from './progress';
import { NO_CANCEL } from '../share/abort';

/** Where a command source's output lands inside its component folder. */
export const RAW_OUTPUT_FILE = 'output.bin';

async function prepareTarget(targetFolder: string): Promise<string> {
  if (!isAbsolute(targetFolder))
    throw invalidInput('targetFolder', 'The restore folder must be an absolute path.', 'Enter the full path of an empty folder.');
  const target = resolve(targetFolder);
  let existing: string[];
  try {
    await mkdir(target, { recursive: true });
    // A link planted at that name, or a folder of another user, would let them read or redirect the restored data.
    const info = await lstat(target);
    if (info.isSymbolicLink() || (process.getuid !== undefined && info.uid !== process.getuid()))
      throw invalidInput(
        'targetFolder',
        `The restore folder ${target} is a link or belongs to another user, who could read or redirect what is restored.`,
        'Choose a folder of your own (or a new path): restored data can hold secrets.',
      );
    existing = (await readdir(target)).filter((name) => !name.startsWith('.restore-'));
  } catch (error) {
    if (isEngineError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'is a file, not a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be written by this user'
          : null;
    if (reason === null) throw error;
    throw invalidInput(
      'targetFolder',
      `The restore folder ${target} ${reason}.`,
      'Choose an empty folder: a restore never overwrites files.',
    );
  }
  if (existing.length > 0)
    throw invalidInput(
      'targetFolder',
      `The restore folder ${target} is not empty.`,
      'Choose an empty folder: a restore never overwrites files.',
    );
  return target;
}

/**
 * Restores components into an empty local folder. Everything is first
 * written under `<target>/.restore-<id>.partial/`; only when every requested
 * component decrypted and authenticated to its last chunk are the component
 * folders moved into `<target>`. A failure removes the partial tree, so
 * nothing that looks like a complete restore is left behind. Archive entries
 * that would escape their folder (absolute paths, `..`, links, devices) are
 * refused by the extractor.
 */
export async function restoreBackup(
  share: FileShare,
  format: BackupFormat,
  entry: CatalogEntry,
  unlocked: UnlockedBackup,
  request: { targetFolder: string; component?: string },
  reporter?: OperationReporter,
): Promise<RestoreResult> {
  const { manifest } = entry;
  const wanted = request.component
    ? manifest.components.filter((c) => c.name === request.component)
    : manifest.components.filter((c) => c.state === 'Succeeded');
  if (request.component && wanted.length === 0)
    throw invalidInput(
      'component',
      `Backup ${manifest.backupId} has no component "${request.component}".`,
      `Components: ${manifest.components.map((c) => c.name).join(', ')}.`,
    );
  if (wanted.length === 0)
    throw new EngineError({
      code: 'restore-failed',
      message: `Backup ${manifest.backupId} holds no component that was stored (its state is ${manifest.state}): there is nothing to restore.`,
      remediation: 'Restore from an earlier backup that Succeeded or PartialSucceeded.',
    });
  const notStored = wanted.find((c) => c.state !== 'Succeeded');
  if (notStored)
    throw new EngineError({
      code: 'restore-failed',
      message: `Component "${notStored.name}" failed during backup and holds no data.`,
      remediation: 'Restore it from an earlier backup.',
    });

  const target = await prepareTarget(request.targetFolder);
  const staging = join(target, `.restore-${manifest.backupId}.partial`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const results: RestoreResult['components'] = [];
  try {
    for (const component of wanted) {
      reporter?.signal.throwIfAborted();
      reporter?.component(component.name);
      results.push(await restoreComponent(share, format, manifest.backupId, unlocked, component, join(staging, component.name), reporter));
    }
    // A cancel that arrives after the last byte still leaves nothing behind.
    reporter?.signal.throwIfAborted();
    for (const component of wanted) await rename(join(staging, component.name), join(target, component.name));
    await rm(staging, { recursive: true, force: true });
    return { backupId: manifest.backupId, targetFolder: target, components: results };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (isEngineError(error)) {
      if (error.code === 'share' || error.code === 'wrong-key' || error.code === 'invalid-input') throw error;
      throw new EngineError({
        code: 'restore-failed',
        message: `Restore failed: ${error.message}`,
        remediation: error.remediation,
        cause: error,
      });
    }
    throw new EngineError({
      code: 'restore-failed',
      message: `Restore of backup ${manifest.backupId} failed: ${error instanceof Error ? error.message : String(error)}. Nothing was restored.`,
      remediation: 'Verify the backup; if it is damaged, restore an earlier one.',
      cause: error,
    });
  }
}

async function restoreComponent(
  share: FileShare,
  format: BackupFormat,
  backupId: string,
  unlocked: UnlockedBackup,
  component: ComponentRecord,
  dir: string,
  reporter?: OperationReporter,
): Promise<{ name: string; files: number; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const stored = await share.readStream(`${BACKUP_ROOT}/${backupId}/${component.file}`, reporter?.signal ?? NO_CANCEL);
  const counted = stored.pipe(new ByteCounter((delta) => reporter?.bytes(delta)));
  const plaintext = counted.pipe(unlocked.decryptComponent(component));
  const fail = (error: Error): void => {
    plaintext.destroy(error);
    stored.destroy();
  };
  stored.once('error', fail);
  counted.once('error', fail);
  const onAbort = (): void => fail(new Error('cancelled by the operator'));
  reporter?.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (component.payload === 'tar') {
      const { files, bytes } = await format.extractTar(dir, plaintext);
      return { name: component.name, files, bytes };
    }
    const counter = new ByteCounter();
    await pipeline(plaintext, counter, createWriteStream(join(dir, RAW_OUTPUT_FILE), { flags: 'wx', mode: 0o600 }));
    return { name: component.name, files: 1, bytes: counter.bytes };
  } catch (error) {
    if (error instanceof Error && !isEngineError(error)) error.message = `component "${component.name}": ${error.message}`;
    throw error;
  } finally {
    reporter?.signal.removeEventListener('abort', onAbort);
  }
}
