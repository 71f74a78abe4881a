/**
 * What is on the share under `MASBackup\`, and which of it is a backup.
 *
 * The share is less trusted than the station: anyone who can write to it can
 * plant links, forged folders, huge files and odd names. So a folder is a
 * backup only when every rule of docs/BACKUP-FORMAT.md ("What is a backup")
 * holds — a real directory by the server's answer, named as a backup id, with
 * a `manifest.json` within MANIFEST_BYTES_LIMIT that parses, names that very
 * folder, and carries sane times and sizes. Everything else is Unknown:
 * listed, never deleted by retention. Listing is bounded: at most
 * LISTING_LIMIT manifests read and LISTING_LIMIT unknown entries kept per
 * listing; published backups are immutable, so what was read once is kept in
 * the catalog cache (catalog-cache.ts) and a listing costs one `list` plus one
 * read per backup it has not seen.
 */
import pLimit from 'p-limit';
import type { BackupDetail, BackupSummary } from '../../../preload/api';
import { EngineError, isEngineError } from '../errors';
import { throwIfAborted } from '../share/abort';
import type { FileShare, ShareEntry } from '../share/file-share';
import { isNotFound } from '../share/share-errors';
import { BACKUP_ROOT, backupIdTime, backupIdWithSuffix, DELETING_SUFFIX, isBackupId, PARTIAL_SUFFIX } from './backup-id';
import type { BackupFormat, ReadManifest } from './codec-port';

export const MANIFEST_FILE = 'manifest.json';
/** A manifest is a few KiB (about 0.5 KiB per component): anything past this is not one of ours, and is not read further. */
export const MANIFEST_BYTES_LIMIT = 256 * 1024;
/**
 * Per listing: manifests read (the rest wait for the next listing) and unknown
 * entries kept (the rest are counted). Over twice the most backups retention
 * keeps (14 days every 4 hours, plus the newest of each certificate), so a
 * console that lost its cache reads all of its own at once.
 */
export const LISTING_LIMIT = 200;
/** Manifests read at once by one listing. */
const MANIFEST_READS_AT_ONCE = 4;
/** How far a backup id's time may be from its manifest's createdAt (the id is made from it, to the second). */
const ID_TIME_TOLERANCE_MS = 60_000;

/** A backup as listings and retention need it: its summary without the expiry (which depends on the policy). */
export type BackupRecord = Omit<BackupSummary, 'expiresAt' | 'problem'> & { state: 'Succeeded' | 'PartialSucceeded' | 'Failed' };

/** An entry under MASBackup\ that is not a backup, and why. */
export interface UnknownEntry {
  name: string;
  problem: string;
  /** A folder named as a backup whose manifest this listing did not read (over the limit): it may well be a backup. */
  notExamined?: true;
  /** From the name when it carries a backup id's time, else the server's modification time. */
  createdAt: string;
}

/** What one name directly under MASBackup\ is, by its name and the server's answer alone (no I/O). */
export type EntryClass =
  | { role: 'backup-candidate'; backupId: string }
  | { role: 'partial'; backupId: string }
  | { role: 'deleting'; backupId: string }
  | { role: 'lock' }
  | { role: 'temporary' }
  | { role: 'unknown'; problem: string };

/** The share lock's files: `.lock`, its heartbeats `.lock.hb.*` and locks taken over `.lock.stale.*` (share-lock.ts). */
export function isLockFileName(name: string): boolean {
  return name === '.lock' || name.startsWith('.lock.hb.') || name.startsWith('.lock.stale.');
}

/** A write's temporary name before it is published (file-share.ts temporaryNameFor): `.<name>.<unique>.partial-write`. */
export function isTemporaryFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.partial-write');
}

export function classifyEntry(entry: ShareEntry): EntryClass {
  const { name, kind } = entry;
  if (kind === 'link') return { role: 'unknown', problem: 'a link (symbolic link, junction or reparse point), not a folder' };
  if (kind === 'directory') {
    if (isBackupId(name)) return { role: 'backup-candidate', backupId: name };
    const partial = backupIdWithSuffix(name, PARTIAL_SUFFIX);
    if (partial) return { role: 'partial', backupId: partial };
    const deleting = backupIdWithSuffix(name, DELETING_SUFFIX);
    if (deleting) return { role: 'deleting', backupId: deleting };
    return { role: 'unknown', problem: 'a folder whose name is not a backup id' };
  }
  if (isLockFileName(name)) return { role: 'lock' };
  if (isTemporaryFileName(name)) return { role: 'temporary' };
  return { role: 'unknown', problem: isBackupId(name) ? 'a file named like a backup, not a folder' : 'a file the console did not write' };
}

/** MASBackup\'s entries sorted by what they are, by name and kind alone (no I/O). */
export interface ShareContents {
  /** Real folders named as backup ids: backups if their manifests say so. */
  candidates: ShareEntry[];
  partials: string[];
  deleting: string[];
  lockFiles: ShareEntry[];
  temporaries: ShareEntry[];
  unknown: Array<{ entry: ShareEntry; problem: string }>;
}

export function classifyListing(entries: readonly ShareEntry[]): ShareContents {
  const contents: ShareContents = { candidates: [], partials: [], deleting: [], lockFiles: [], temporaries: [], unknown: [] };
  for (const entry of entries) {
    const found = classifyEntry(entry);
    if (found.role === 'backup-candidate') contents.candidates.push(entry);
    else if (found.role === 'partial') contents.partials.push(found.backupId);
    else if (found.role === 'deleting') contents.deleting.push(found.backupId);
    else if (found.role === 'lock') contents.lockFiles.push(entry);
    else if (found.role === 'temporary') contents.temporaries.push(entry);
    else contents.unknown.push({ entry, problem: found.problem });
  }
  return contents;
}

/** What the catalog remembers about one folder, valid while the folder's modification time is the same. */
export type Verdict = { modifiedAt: number | null; record: BackupRecord } | { modifiedAt: number; problem: string };

/** Verdicts by folder name, kept between listings (catalog-cache.ts keeps them in the config folder). */
export interface CatalogCache {
  load(): Map<string, Verdict>;
  save(verdicts: ReadonlyMap<string, Verdict>): void;
}

export interface CatalogListing {
  /** Complete backups, newest first. */
  backups: BackupRecord[];
  /** Entries that are not backups (at most LISTING_LIMIT). */
  unknown: UnknownEntry[];
  /** Ids of `<id>.partial` folders: backups being written, or remains of dead jobs. */
  partials: string[];
  /** Ids of `<id>.deleting` folders: deletions to finish. */
  deleting: string[];
  /** The lock's files, and temporary files of writes that never finished. */
  lockFiles: ShareEntry[];
  temporaries: ShareEntry[];
  /** Entries not examined or not kept in this listing (over LISTING_LIMIT): a warning for the operator. */
  overLimit: number;
}

export interface ListCatalogOptions {
  cache?: CatalogCache;
  signal: AbortSignal;
}

/** The entries of MASBackup\, or none when it does not exist yet (no backup was ever taken here). */
export async function listBackupRoot(share: FileShare, signal: AbortSignal): Promise<ShareEntry[]> {
  try {
    return await share.list(BACKUP_ROOT, signal);
  } catch (error) {
    // A missing share or configured folder is not that (category path): it reaches the operator.
    if (isNotFound(error)) return [];
    throw error;
  }
}

/**
 * Every entry of MASBackup\, classified; backups newest first. One `list` of
 * the share, plus one manifest read per backup folder the cache does not know
 * (at most LISTING_LIMIT; the rest show as Unknown until a later listing).
 * A share failure fails the listing (with its category); a bad entry never
 * does — it is Unknown.
 */
export async function listCatalog(share: FileShare, format: BackupFormat, options: ListCatalogOptions): Promise<CatalogListing> {
  return catalogOf(share, format, await listBackupRoot(share, options.signal), options);
}

/** As listCatalog, over entries already listed (a caller that lists MASBackup\ for another reason too). */
export async function catalogOf(
  share: FileShare,
  format: BackupFormat,
  entries: readonly ShareEntry[],
  options: ListCatalogOptions,
): Promise<CatalogListing> {
  const contents = classifyListing(entries);
  const listing: CatalogListing = {
    backups: [],
    unknown: [],
    partials: contents.partials,
    deleting: contents.deleting,
    lockFiles: contents.lockFiles,
    temporaries: contents.temporaries,
    overLimit: 0,
  };
  const known = options.cache?.load() ?? new Map<string, Verdict>();
  const verdicts = new Map<string, Verdict>();
  const addUnknown = (entry: ShareEntry, problem: string, notExamined = false): void => {
    if (listing.unknown.length >= LISTING_LIMIT) listing.overLimit++;
    else
      listing.unknown.push({
        name: entry.name,
        problem,
        createdAt: backupIdTime(entry.name) ?? timeOf(entry),
        ...(notExamined ? { notExamined: true as const } : {}),
      });
  };
  for (const { entry, problem } of contents.unknown) addUnknown(entry, problem);
  const candidates = contents.candidates;

  // Newest first: when over the limit, the backups an operator is likeliest to need are read first.
  candidates.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  const modifiedAt = (entry: ShareEntry): number | null => entry.modifiedAt?.getTime() ?? null;
  const cached = (entry: ShareEntry): Verdict | undefined => {
    const verdict = known.get(entry.name);
    return verdict && verdict.modifiedAt === modifiedAt(entry) ? verdict : undefined;
  };
  const toRead = candidates.filter((entry) => !cached(entry)).slice(0, LISTING_LIMIT);
  // A few at a time: each read is a round trip (a session of its own) that mostly waits.
  const limit = pLimit(MANIFEST_READS_AT_ONCE);
  const judged = new Map(
    await Promise.all(
      toRead.map((entry) => limit(async () => [entry.name, await judgeFolder(share, format, entry.name, options.signal)] as const)),
    ),
  );

  for (const entry of candidates) {
    let verdict = cached(entry);
    if (!verdict) {
      const found = judged.get(entry.name);
      if (!found) {
        addUnknown(entry, `not examined yet: more than ${LISTING_LIMIT} new folders in one listing`, true);
        continue;
      }
      const time = modifiedAt(entry);
      if ('record' in found) verdict = { modifiedAt: time, record: found.record };
      else if (time !== null) verdict = { modifiedAt: time, problem: found.problem };
      else {
        // Without a modification time a verdict cannot be checked later: judged again next time.
        addUnknown(entry, found.problem);
        continue;
      }
    }
    verdicts.set(entry.name, verdict);
    if ('record' in verdict) listing.backups.push(verdict.record);
    else addUnknown(entry, verdict.problem);
  }
  if (options.cache && !sameVerdicts(known, verdicts)) options.cache.save(verdicts);
  return listing;
}

function timeOf(entry: ShareEntry): string {
  const time = entry.modifiedAt?.getTime();
  return new Date(time !== undefined && Number.isFinite(time) ? time : 0).toISOString();
}

function sameVerdicts(a: ReadonlyMap<string, Verdict>, b: ReadonlyMap<string, Verdict>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, verdict] of b) if (a.get(name) !== verdict) return false;
  return true;
}

/** Reads and judges one folder's manifest. Share failures other than not-found are thrown. */
async function judgeFolder(
  share: FileShare,
  format: BackupFormat,
  name: string,
  signal: AbortSignal,
): Promise<{ record: BackupRecord } | { problem: string }> {
  let bytes: Buffer | null;
  try {
    bytes = await readBounded(share, `${BACKUP_ROOT}/${name}/${MANIFEST_FILE}`, MANIFEST_BYTES_LIMIT, signal);
  } catch (error) {
    if (isNotFound(error)) return { problem: `it has no ${MANIFEST_FILE}` };
    // A file where the manifest should be a folder, or a name the driver refuses: not a backup, not a share failure.
    if (isEngineError(error) && (error.code === 'invalid-input' || error.category === 'path'))
      return { problem: `${MANIFEST_FILE} cannot be read` };
    throw error;
  }
  if (bytes === null) return { problem: `${MANIFEST_FILE} is larger than ${MANIFEST_BYTES_LIMIT / 1024} KiB` };
  let manifest: ReadManifest;
  try {
    manifest = format.readManifest(bytes);
  } catch (error) {
    if (isEngineError(error)) return { problem: error.message };
    throw error;
  }
  return judgeManifest(name, manifest);
}

/**
 * The rules of a backup's manifest beyond its schema: it names this folder
 * (never trust an id taken from a manifest), its times are times and agree
 * with the id, its sizes are whole byte counts. Returns the record, or why
 * the folder is not a backup.
 */
export function judgeManifest(folderName: string, manifest: ReadManifest): { record: BackupRecord } | { problem: string } {
  if (manifest.backupId !== folderName)
    return { problem: `its manifest names another backup (${manifest.backupId.slice(0, 64)}), not this folder` };
  if (manifest.signature && !manifest.signature.valid)
    return { problem: 'its signature does not verify (the manifest was changed or forged)' };
  const created = isoTime(manifest.createdAt);
  const completed = isoTime(manifest.completedAt);
  if (created === null) return { problem: 'its manifest has no valid createdAt time' };
  if (completed === null) return { problem: 'its manifest has no valid completedAt time' };
  if (completed < created) return { problem: 'its manifest says it completed before it was created' };
  const idTime = Date.parse(backupIdTime(folderName) ?? '');
  if (Math.abs(idTime - created) > ID_TIME_TOLERANCE_MS) return { problem: 'its name and its manifest disagree on when it was created' };
  if (!Number.isFinite(manifest.durationSeconds)) return { problem: 'its manifest has an invalid duration' };
  let size = 0;
  for (const component of manifest.components) {
    if (!Number.isSafeInteger(component.storedBytes) || !Number.isSafeInteger(component.sourceBytes))
      return { problem: `its manifest gives component ${component.name} an impossible size` };
    size += component.storedBytes;
  }
  if (!Number.isSafeInteger(size)) return { problem: 'its manifest gives an impossible total size' };
  return { record: recordOf(manifest) };
}

/** An ISO-8601 UTC time as the console writes it, in ms; null for anything else. */
function isoTime(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The file's bytes, or null when it is larger than `limit` — then the read is
 * cancelled there (a planted multi-gigabyte file costs `limit` bytes, not its size).
 */
export async function readBounded(share: FileShare, path: string, limit: number, signal: AbortSignal): Promise<Buffer | null> {
  throwIfAborted(signal);
  const stop = new AbortController();
  const forward = (): void => stop.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  try {
    const stream = await share.readStream(path, stop.signal);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limit) {
          stop.abort();
          return null;
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (total > limit && !signal.aborted) return null;
      throw error;
    }
    return Buffer.concat(chunks);
  } finally {
    signal.removeEventListener('abort', forward);
  }
}

export function backupNotFound(backupId: string): EngineError {
  return new EngineError({
    code: 'invalid-input',
    field: 'backupId',
    message: `There is no complete backup "${backupId}" on the share.`,
    remediation: 'List the backups to see their names; unfinished (.partial) backups and Unknown entries cannot be opened.',
  });
}

export interface CatalogEntry {
  manifest: ReadManifest;
  manifestBytes: Buffer;
}

/**
 * One backup's manifest, for verify, restore and details: read fresh from the
 * share (verify must see what is there now), under the same rules as a listing.
 */
export async function readBackup(share: FileShare, format: BackupFormat, backupId: string, signal: AbortSignal): Promise<CatalogEntry> {
  const judged = await readBackupFolder(share, format, backupId, signal);
  if (judged.problem !== null) throw notABackup(backupId, judged.problem);
  return judged.entry;
}

/**
 * A backup folder's manifest and, when it breaks the rules, why (null when it
 * keeps them). Verify reports a changed or forged manifest as a failed
 * verification of that backup; everything else refuses it as not a backup.
 */
export async function readBackupFolder(
  share: FileShare,
  format: BackupFormat,
  backupId: string,
  signal: AbortSignal,
): Promise<{ entry: CatalogEntry; problem: string | null }> {
  if (!isBackupId(backupId)) throw backupNotFound(backupId);
  const folder = await share.stat(`${BACKUP_ROOT}/${backupId}`, signal);
  if (!folder || folder.kind !== 'directory') throw backupNotFound(backupId);
  let manifestBytes: Buffer | null;
  try {
    manifestBytes = await readBounded(share, `${BACKUP_ROOT}/${backupId}/${MANIFEST_FILE}`, MANIFEST_BYTES_LIMIT, signal);
  } catch (error) {
    if (isNotFound(error)) throw backupNotFound(backupId);
    throw error;
  }
  if (manifestBytes === null) throw notABackup(backupId, `${MANIFEST_FILE} is larger than ${MANIFEST_BYTES_LIMIT / 1024} KiB`);
  const manifest = format.readManifest(manifestBytes);
  const judged = judgeManifest(backupId, manifest);
  return { entry: { manifest, manifestBytes }, problem: 'problem' in judged ? judged.problem : null };
}

function notABackup(backupId: string, problem: string): EngineError {
  return new EngineError({
    code: 'verify-failed',
    message: `The folder "${backupId}" on the share is not a backup: ${problem}.`,
    remediation: 'Do not rely on it; it is listed as Unknown. Restore another backup, and find out who changed the share.',
  });
}

/** The record of a manifest (the rules are judgeManifest's). */
export function recordOf(manifest: ReadManifest): BackupRecord {
  return {
    backupId: manifest.backupId,
    createdAt: manifest.createdAt,
    completedAt: manifest.completedAt,
    state: manifest.state,
    trigger: manifest.trigger,
    sizeBytes: manifest.components.reduce((sum, component) => sum + component.storedBytes, 0),
    certificateThumbprint: manifest.encryption.recipientThumbprint,
    encryptionMode: manifest.encryption.mode,
    ...(manifest.encryption.legacyKeyId ? { legacyKeyId: manifest.encryption.legacyKeyId } : {}),
    recoveryReady: manifest.recoveryReady,
    signedBy: manifest.signature?.valid ? manifest.signature.publicKey : null,
  };
}

export function summaryOf(manifest: ReadManifest, expiresAt: string | null): BackupSummary {
  return { ...recordOf(manifest), expiresAt };
}

/** An Unknown entry as the list shows it: its name, why it is not a backup, and nothing a backup would claim. */
export function unknownSummary(entry: UnknownEntry): BackupSummary {
  return {
    backupId: entry.name,
    createdAt: entry.createdAt,
    completedAt: null,
    state: 'Unknown',
    trigger: 'on-demand',
    sizeBytes: 0,
    certificateThumbprint: null,
    encryptionMode: 'certificate',
    recoveryReady: false,
    expiresAt: null,
    problem: entry.problem,
  };
}

/** A listing as the contract's rows (expiry not yet set): backups newest first, then the Unknown entries. */
export function listingSummaries(listing: CatalogListing): BackupSummary[] {
  const unknown = [...listing.unknown].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  return [...listing.backups.map((record) => ({ ...record, expiresAt: null })), ...unknown.map(unknownSummary)];
}

export function detailOf(manifest: ReadManifest, expiresAt: string | null): BackupDetail {
  return {
    ...summaryOf(manifest, expiresAt),
    durationSeconds: manifest.durationSeconds,
    components: manifest.components.map((component) => ({
      name: component.name,
      state: component.state,
      sourceBytes: component.sourceBytes,
      storedBytes: component.storedBytes,
      ...(component.error ? { error: component.error } : {}),
    })),
  };
}
