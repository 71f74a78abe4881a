import { Readable } from 'node:stream';
import type { BackupTrigger, JobProgress, ShareFailureCategory } from '../../../preload/api';
import { EngineError, isEngineError } from '../errors';
import { scrubSecrets } from '../redact';
import type { FileShare } from '../share/file-share';
import { checkFolderSource, openCommandSource, SourceFailure } from '../sources/open-source';
import type { SourceDefinition } from '../sources/source';
import { BACKUP_ROOT, PARTIAL_SUFFIX } from './backup-id';
import type { BackupSealer, ComponentRecord, ManifestDraft } from './codec-port';
import type { Clock } from './job-clock';
import { countFolderBytes } from './folder-archive';
import { ByteCounter, etaSeconds, RateMeter } from './progress';
import { acquireShareLock, sweepLockLitter, type LockRecord } from './share-lock';
import { classifyListing, listBackupRoot, MANIFEST_FILE } from './catalog';
import { NO_CANCEL } from '../share/abort';

export interface BackupJobRequest {
  jobId: string;
  backupId: string;
  trigger: BackupTrigger;
  sources: SourceDefinition[];
  sealer: BackupSealer;
  signal: AbortSignal;
  onProgress(progress: JobProgress): void;
  stamp?: Record<string, string>;
}

export interface BackupJobOutcome {
  manifest: ManifestDraft;
  /**
   * Set when the job failed as a whole (share failure, cancel). `duringCopy`:
   * it failed while backup data was being copied to the share, after its first byte.
   */
  failure: { category?: ShareFailureCategory; message: string; technicalCause?: string; duringCopy?: boolean } | null;
  /** Leftovers of dead jobs the job could not remove (and went on without): for the log. */
  leftoversKept: LeftoverFailure[];
}

export interface LeftoverFailure {
  /** The folder under MASBackup\, e.g. `<id>.partial`. */
  target: string;
  /** Scrubbed technical reason. */
  message: string;
}

export interface BackupJobDeps {
  share: FileShare;
  clock: Clock;
  lock?: { heartbeatEveryMs?: number; staleAfterMs?: number };
}

function lockLost(): EngineError {
  return new EngineError({
    code: 'share',
    category: 'general',
    message: "The backup was not published: another console took over the share's lock while it ran.",
    remediation:
      'Check that only one console writes to this location, and that the share stays reachable during a backup; then start a new backup.',
  });
}

function cancelled(): EngineError {
  return new EngineError({ code: 'cancelled', message: 'The backup was cancelled.', remediation: 'Start a new backup when ready.' });
}

/**
 * Runs one full backup: lock the share, clean dead jobs' `.partial` folders
 * and lock litter (skipping, and reporting, what the server will not delete),
 * write every component under `<id>.partial/`, the manifest last, then
 * publish by renaming the folder to `<id>`. A crash at any point leaves only
 * a `.partial`, which is never listed and is removed by the next run.
 *
 * A component whose source fails (missing folder, command exit status,
 * timeout) is recorded as Failed and the job goes on (PartialSucceeded);
 * a share failure or a cancel fails the whole job, with the share's category.
 */
export async function runBackupJob(deps: BackupJobDeps, request: BackupJobRequest): Promise<BackupJobOutcome> {
  const { share, clock } = deps;
  const started = clock.now();
  const partialDir = `${BACKUP_ROOT}/${request.backupId}${PARTIAL_SUFFIX}`;
  const components: ComponentRecord[] = [];
  // Counted while the backup runs; unknown until then. A source that grew meanwhile makes it unknown again: never "42 KB of 26 KB".
  let sourceTotal: number | null = null;
  void totalSourceBytes(request.sources).then(
    (total) => (sourceTotal = total),
    () => undefined,
  );
  const meter = new RateMeter();
  let bytesDone = 0;
  let currentComponent: string | null = null;
  let lastEmit = 0;

  const emit = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastEmit < 250) return;
    lastEmit = now;
    const rate = meter.sample(now, bytesDone);
    const total = sourceTotal !== null && sourceTotal >= bytesDone ? sourceTotal : null;
    request.onProgress({
      jobId: request.jobId,
      backupId: request.backupId,
      trigger: request.trigger,
      state: 'Creating',
      component: currentComponent,
      bytesDone,
      bytesTotal: total,
      bytesPerSecond: Math.round(rate),
      etaSeconds: etaSeconds(bytesDone, total, rate),
      startedAt: started.toISOString(),
    });
  };

  const draft = (state: ManifestDraft['state']): ManifestDraft => {
    const completed = clock.now();
    return {
      backupId: request.backupId,
      createdAt: started.toISOString(),
      completedAt: completed.toISOString(),
      durationSeconds: secondsBetween(started, completed),
      trigger: request.trigger,
      state,
      components,
      recoveryReady: state === 'Succeeded',
      stamp: request.stamp ?? {},
    };
  };

  await share.mkdirp(BACKUP_ROOT, request.signal);
  const lock = await acquireShareLock(
    share,
    { dir: BACKUP_ROOT, clock, ...deps.lock },
    { jobId: request.jobId, backupId: request.backupId },
  );
  let leftoversKept: LeftoverFailure[] = [];
  // The components' data is being copied to the share (the lock check and the manifest after it are not the copy).
  let copying = false;
  try {
    leftoversKept = await removeLeftovers(share, lock.record, request.signal);
    await share.mkdirp(partialDir, request.signal);
    emit(true);
    copying = true;
    for (const source of request.sources) {
      if (request.signal.aborted) throw cancelled();
      currentComponent = source.name;
      emit(true);
      components.push(
        await writeComponent(share, partialDir, source, request, (delta) => {
          bytesDone += delta;
          emit();
        }),
      );
    }
    copying = false;
    const succeeded = components.filter((c) => c.state === 'Succeeded').length;
    const state: ManifestDraft['state'] = succeeded === components.length ? 'Succeeded' : succeeded > 0 ? 'PartialSucceeded' : 'Failed';
    const manifest = draft(state);
    if (request.signal.aborted) throw cancelled();
    // Never publish without the lock: if another console took it over (our heartbeats stopped reaching the share), it owns the location now.
    if (!(await lock.stillHeld())) throw lockLost();
    await writeBuffer(share, `${partialDir}/${MANIFEST_FILE}`, request.sealer.sealManifest(manifest), request.signal);
    await share.rename(partialDir, `${BACKUP_ROOT}/${request.backupId}`, request.signal);
    currentComponent = null;
    emit(true);
    return { manifest, failure: null, leftoversKept };
  } catch (error) {
    // Nothing half-written may look like a backup: drop the .partial now if we can
    // (if the share is gone, the next run removes it).
    // Not with the job's signal: a cancelled job still cleans up.
    await share.deleteTree(partialDir, NO_CANCEL).catch(() => undefined);
    const engineError = isEngineError(error) ? error : null;
    return {
      manifest: draft('Failed'),
      leftoversKept,
      failure: {
        message: engineError ? engineError.message : scrubSecrets(error instanceof Error ? error.message : String(error)),
        ...(engineError?.category ? { category: engineError.category } : {}),
        technicalCause:
          engineError?.technicalCause ?? scrubSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error)),
        ...(copying && bytesDone > 0 ? { duringCopy: true } : {}),
      },
    };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function writeComponent(
  share: FileShare,
  dir: string,
  source: SourceDefinition,
  request: BackupJobRequest,
  onSourceBytes: (delta: number) => void,
): Promise<ComponentRecord> {
  const file = `${source.name}.bin`;
  const payload = source.kind === 'folder' ? 'tar' : 'raw';
  const base = { name: source.name, payload, file } as const;
  let plaintext: Readable;
  let commandFinished: Promise<void> | null = null;
  let kill: (() => void) | null = null;
  try {
    if (source.kind === 'folder') {
      await checkFolderSource(source);
      plaintext = request.sealer.packFolder(source.folder, onSourceBytes);
    } else {
      const opened = openCommandSource(source);
      plaintext = opened.stream;
      commandFinished = opened.finished;
      kill = opened.kill;
    }
  } catch (error) {
    if (error instanceof SourceFailure) return failedComponent(base, error.message);
    throw error;
  }

  const onAbort = (): void => {
    kill?.();
    plaintext.destroy(cancelled());
  };
  request.signal.addEventListener('abort', onAbort, { once: true });
  // A folder's progress counts its files' bytes (packFolder reports them); a command's, its output.
  const counter = new ByteCounter(source.kind === 'command' ? onSourceBytes : undefined);
  const encrypted = request.sealer.encryptComponent(source.name, payload);
  const encrypt = encrypted.stream;
  // A source error must surface as the source's failure, not as a share failure.
  let sourceError: unknown = null;
  plaintext.once('error', (error) => (sourceError = error));
  const stored = plaintext.pipe(counter).pipe(encrypt);
  // A cancel can destroy it before the share's driver listens: the driver reads the failure from `errored`.
  stored.on('error', () => undefined);
  plaintext.once('error', (error) => stored.destroy(error));
  try {
    await share.writeStream(`${dir}/${file}`, stored, request.signal);
    if (commandFinished) await commandFinished;
    if (sourceError) throw sourceError;
    return {
      ...base,
      state: 'Succeeded',
      sourceBytes: counter.bytes,
      storedBytes: encrypted.storedBytes(),
      sha256: encrypted.sha256(),
      compression: encrypted.compression(),
    };
  } catch (error) {
    if (request.signal.aborted) throw cancelled();
    const failure = error instanceof SourceFailure ? error : sourceError instanceof SourceFailure ? sourceError : null;
    if (failure) {
      await share.deleteTree(`${dir}/${file}`, request.signal).catch(() => undefined);
      return failedComponent(base, failure.message);
    }
    if (sourceError && !isEngineError(error)) {
      return failedComponent(base, `Reading the source failed: ${scrubSecrets(String((sourceError as Error).message ?? sourceError))}`);
    }
    throw error;
  } finally {
    request.signal.removeEventListener('abort', onAbort);
    kill?.();
    // A write that failed leaves the source unread: destroy it, or a folder
    // reader's worker thread waits for the next read and keeps the process alive.
    plaintext.destroy();
  }
}

function failedComponent(base: { name: string; payload: 'tar' | 'raw'; file: string }, message: string): ComponentRecord {
  return { ...base, state: 'Failed', error: scrubSecrets(message), sourceBytes: 0, storedBytes: 0, sha256: '', compression: 'none' };
}

async function writeBuffer(share: FileShare, path: string, bytes: Buffer, signal: AbortSignal): Promise<void> {
  await share.writeStream(path, Readable.from([bytes]), signal);
}

/**
 * Under the share lock every other job is dead: their `.partial` folders and
 * the litter of their locks go. A folder the server will not delete now —
 * after a network loss it may hold the dead session's handle for an hour —
 * is skipped and reported, and the backup goes on: retention retries it on
 * every pass, and alerts while it stays.
 */
async function removeLeftovers(share: FileShare, held: LockRecord, signal: AbortSignal): Promise<LeftoverFailure[]> {
  const entries = await listBackupRoot(share, signal);
  const kept: LeftoverFailure[] = [];
  for (const id of classifyListing(entries).partials) {
    try {
      await share.deleteTree(`${BACKUP_ROOT}/${id}${PARTIAL_SUFFIX}`, signal);
    } catch (error) {
      if (signal.aborted) throw cancelled();
      kept.push({ target: `${id}${PARTIAL_SUFFIX}`, message: scrubSecrets(error instanceof Error ? error.message : String(error)) });
    }
  }
  await sweepLockLitter(share, held, entries, signal);
  return kept;
}

/** The folders' file bytes, or null (unknown) when a command's output is part of the backup. */
async function totalSourceBytes(sources: readonly SourceDefinition[]): Promise<number | null> {
  if (sources.some((source) => source.kind !== 'folder')) return null;
  let total = 0;
  for (const source of sources) if (source.kind === 'folder') total += await countFolderBytes(source.folder).catch(() => 0);
  return total;
}

/** A run's duration as recorded in its manifest and history (never negative: the clock may step back). */
export function secondsBetween(started: Date, completed: Date): number {
  return Math.max(0, (completed.getTime() - started.getTime()) / 1000);
}
