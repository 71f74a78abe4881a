/**
 * The catalog cache: what the console learnt from each backup folder's
 * manifest, kept in the config folder (0600, like every state file) per
 * location. Published backups never change, so a listing checks the cache
 * against folder names and modification times only — one `list` of the share
 * — and reads the manifests of folders it has not seen. It is only a cache:
 * the share stays the source of truth (a folder gone from the share is gone
 * from the cache; a reinstalled console, with no cache, rebuilds it from the
 * share), and a cache file that cannot be read is rebuilt the same way.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { backupSummary } from '../../../common/contract/views';
import { readStateText, writeStateText } from '../app/state-file';
import type { CatalogCache, Verdict } from './catalog';

const CACHE_VERSION = 1;

const recordSchema = backupSummary
  .omit({ expiresAt: true, problem: true })
  .extend({ state: z.enum(['Succeeded', 'PartialSucceeded', 'Failed']) });
const verdictSchema = z.union([
  z.strictObject({ modifiedAt: z.number().nullable(), record: recordSchema }),
  z.strictObject({ modifiedAt: z.number(), problem: z.string() }),
]);
const cacheFileSchema = z.strictObject({
  version: z.literal(CACHE_VERSION),
  location: z.string(),
  verdicts: z.record(z.string(), verdictSchema),
});

/** Where the cache of one location lives: one file per location, named by a hash of it (a UNC path is not a file name). */
export function catalogCacheFile(configDir: string, location: string): string {
  const name = createHash('sha256').update(location).digest('hex').slice(0, 32);
  return join(configDir, 'catalog', `${name}.json`);
}

/**
 * The cache of `location` in `configDir`. `location` identifies what is
 * listed (the UNC path and port): a changed location starts an empty cache.
 * `onProblem` hears why a cache file was ignored (for the log).
 */
export function fileCatalogCache(configDir: string, location: string, onProblem?: (reason: string) => void): CatalogCache {
  const file = catalogCacheFile(configDir, location);
  return {
    load() {
      let text: string | null;
      try {
        text = readStateText(file);
      } catch (error) {
        onProblem?.(`the catalog cache ${file} could not be read (${String(error)}); it is rebuilt from the share`);
        return new Map();
      }
      if (text === null) return new Map();
      let parsed: z.infer<typeof cacheFileSchema> | null = null;
      try {
        const result = cacheFileSchema.safeParse(JSON.parse(text));
        if (result.success && result.data.location === location) parsed = result.data;
      } catch {
        // not JSON: rebuilt below
      }
      if (!parsed) {
        onProblem?.(`the catalog cache ${file} is not valid; it is rebuilt from the share`);
        return new Map();
      }
      return new Map(Object.entries(parsed.verdicts) as Array<[string, Verdict]>);
    },
    save(verdicts) {
      const body = { version: CACHE_VERSION, location, verdicts: Object.fromEntries(verdicts) };
      try {
        writeStateText(file, `${JSON.stringify(body)}\n`);
      } catch (error) {
        // A cache that cannot be written costs time on the next listing, never a result.
        onProblem?.(`the catalog cache ${file} could not be written (${String(error)})`);
      }
    },
  };
}

/** The cache of the configured location: its UNC path and port name what is listed. */
export function catalogCacheFor(
  configDir: string,
  settings: { location: string; smbPort: number },
  onProblem?: (reason: string) => void,
): CatalogCache {
  return fileCatalogCache(configDir, `${settings.location}|${settings.smbPort}`, onProblem);
}
