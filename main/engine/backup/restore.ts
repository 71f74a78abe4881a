import { chmod, lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { RestoreResult } from '../../../preload/api';
import { EngineError, invalidInput, isEngineError } from '../errors';
import type { FileShare } from '../share/file-share';
import { BACKUP_ROOT } from './backup-id';
import type { CatalogEntry } from './catalog';
import type { BackupFormat, ComponentRecord, UnlockedBackup } from './codec-port';
import type { OperationReporter } from './operations';
import { refuseSigner, signerView, type JudgedSigner } from './signer-policy';
import { NO_CANCEL } from '../share/abort';
import { WritingFile } from '../share/lent-buffers';

/** Where a command source's output lands inside its component folder. */
export const RAW_OUTPUT_FILE = 'output.bin';

/** Written into the restored folder last, only when every component was restored: its presence means "complete". */
export const RESTORE_COMPLETE_MARKER = '.ibc-restore-complete.json';

const STAGING_PATTERN = /^\.(.+)\.restore-(\d{8}T\d{6}Z-[0-9a-f]{6})\.partial$/;

/** Where a restore into `target` is staged: a hidden 0700 folder beside it, so publishing is one rename. */
export function stagingFolder(target: string, backupId: string): string {
  return join(dirname(target), `.${basename(target)}.restore-${backupId}.partial`);
}

async function checkTarget(targetFolder: string): Promise<string> {
  if (!isAbsolute(targetFolder))
    throw invalidInput('targetFolder', 'The restore folder must be an absolute path.', 'Enter the full path of an empty folder.');
  const target = resolve(targetFolder);
  if (target === dirname(target))
    throw invalidInput('targetFolder', 'The restore folder cannot be the root folder.', 'Enter the full path of an empty folder.');
  let existing: string[];
  try {
    // A link planted at that name, or a folder of another user, would let them read or redirect the restored data.
    const info = await lstat(target);
    if (info.isSymbolicLink() || (process.getuid !== undefined && info.uid !== process.getuid()))
      throw invalidInput(
        'targetFolder',
        `The restore folder ${target} is a link or belongs to another user, who could read or redirect what is restored.`,
        'Choose a folder of your own (or a new path): restored data can hold secrets.',
      );
    existing = await readdir(target);
  } catch (error) {
    if (isEngineError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return target;
    const reason =
      code === 'ENOTDIR' ? 'is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read by this user' : null;
    if (reason === null) throw error;
    throw invalidInput(
      'targetFolder',
      `The restore folder ${target} ${reason}.`,
      'Choose an empty folder, or a folder that does not exist yet.',
    );
  }
  // Leftovers of an older console's in-folder staging are removed below; anything else is the operator's.
  if (existing.some((name) => !name.startsWith('.restore-')))
    throw invalidInput(
      'targetFolder',
      `The restore folder ${target} is not empty.`,
      'Choose an empty folder: a restore never overwrites files.',
    );
  return target;
}

/**
 * Removes staging folders that killed restores into `target` left behind
 * (decrypted data): only real folders of this user with the staging name —
 * never a link, never another user's folder.
 */
async function sweepStaging(target: string): Promise<void> {
  const parent = dirname(target);
  const uid = process.getuid?.();
  const candidates: string[] = [];
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const match = STAGING_PATTERN.exec(name);
    if (match && match[1] === basename(target)) candidates.push(join(parent, name));
  }
  for (const name of await readdir(target).catch(() => [] as string[]))
    if (name.startsWith('.restore-')) candidates.push(join(target, name));
  for (const path of candidates) {
    const info = await lstat(path).catch(() => null);
    if (info?.isDirectory() && (uid === undefined || info.uid === uid)) await rm(path, { recursive: true, force: true });
  }
}

/** A fresh 0700 staging folder beside the target, or inside it when its parent cannot be written to. */
async function createStaging(target: string, backupId: string): Promise<string> {
  const beside = stagingFolder(target, backupId);
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await mkdir(beside, { mode: 0o700 });
    await chmod(beside, 0o700);
    return beside;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error;
  }
  await mkdir(target, { recursive: true, mode: 0o700 });
  const inside = join(target, `.restore-${backupId}.partial`);
  await mkdir(inside, { mode: 0o700 });
  await chmod(inside, 0o700);
  return inside;
}

/**
 * Puts the staged tree in place: one rename of the staging folder onto the
 * target (absent, or an empty folder it replaces). Where that cannot be done
 * (a mount point, staging inside the target) the entries are moved one by
 * one, the completion marker last, so the target never looks complete early.
 */
async function publish(staging: string, target: string): Promise<void> {
  try {
    await rename(staging, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!['EBUSY', 'EACCES', 'EPERM', 'EINVAL', 'ENOTEMPTY', 'EEXIST', 'EXDEV'].includes(code ?? '')) throw error;
  }
  await mkdir(target, { recursive: true, mode: 0o700 });
  const names = (await readdir(staging)).filter((name) => name !== RESTORE_COMPLETE_MARKER);
  for (const name of names) await rename(join(staging, name), join(target, name));
  await rename(join(staging, RESTORE_COMPLETE_MARKER), join(target, RESTORE_COMPLETE_MARKER));
  await rm(staging, { recursive: true, force: true });
}

/**
 * Restores components into a folder that is empty or does not exist yet.
 * Everything is first written into a 0700 staging folder
 * (`<parent>/.<target name>.restore-<id>.partial`); only when every requested
 * component decrypted and authenticated to its last chunk is the completion
 * marker written and the staging folder renamed onto the target. A failure
 * removes the staging folder; a killed restore leaves it, and the next
 * restore into the same target removes it. Archive entries that would escape
 * their folder (absolute paths, `..`, links, devices) are refused by the
 * extractor; each component's output is bounded by its manifest's sourceBytes.
 */
export async function restoreBackup(
  share: FileShare,
  format: BackupFormat,
  entry: CatalogEntry,
  unlocked: UnlockedBackup,
  request: { targetFolder: string; component?: string },
  signer: JudgedSigner,
  reporter?: OperationReporter,
): Promise<RestoreResult> {
  const { manifest } = entry;
  if (!signer.acceptable) throw refuseSigner(manifest.backupId, signer);
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

  const target = await checkTarget(request.targetFolder);
  await sweepStaging(target);
  const staging = await createStaging(target, manifest.backupId);
  const results: RestoreResult['components'] = [];
  try {
    for (const component of wanted) {
      reporter?.signal.throwIfAborted();
      reporter?.component(component.name);
      results.push(await restoreComponent(share, format, manifest.backupId, unlocked, component, join(staging, component.name), reporter));
    }
    // A cancel that arrives after the last byte still leaves nothing behind.
    reporter?.signal.throwIfAborted();
    const marker = { backupId: manifest.backupId, restoredAt: new Date().toISOString(), signer: signerView(signer), components: results };
    await writeFile(join(staging, RESTORE_COMPLETE_MARKER), JSON.stringify(marker, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    await publish(staging, target);
    return { backupId: manifest.backupId, targetFolder: target, signer: signerView(signer), components: results };
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
  await mkdir(dir, { mode: 0o700 });
  const stored = await share.readStream(`${BACKUP_ROOT}/${backupId}/${component.file}`, reporter?.signal ?? NO_CANCEL);
  // Counted as read, beside the pipe rather than through one more stream.
  stored.on('data', (piece: Buffer) => reporter?.bytes(piece.length));
  const plaintext = stored.pipe(unlocked.decryptComponent(component, { boundOutput: true }));
  const fail = (error: Error): void => {
    plaintext.destroy(error);
    stored.destroy();
  };
  stored.once('error', fail);
  const onAbort = (): void => fail(new Error('cancelled by the operator'));
  reporter?.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (component.payload === 'tar') {
      const { files, bytes } = await format.extractTar(dir, plaintext);
      return { name: component.name, files, bytes };
    }
    let bytes = 0;
    plaintext.on('data', (piece: Buffer) => (bytes += piece.length));
    await pipeline(plaintext, new WritingFile(join(dir, RAW_OUTPUT_FILE), { flags: 'wx', mode: 0o600 }));
    return { name: component.name, files: 1, bytes };
  } catch (error) {
    if (error instanceof Error && !isEngineError(error)) error.message = `component "${component.name}": ${error.message}`;
    throw error;
  } finally {
    reporter?.signal.removeEventListener('abort', onAbort);
  }
}
