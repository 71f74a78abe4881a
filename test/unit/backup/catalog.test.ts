import { mkdir, readFile, stat, symlink, truncate, utimes, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupFormat } from '../../../main/engine/backup/backup-format';
import {
  classifyEntry,
  LISTING_LIMIT,
  listCatalog,
  listingSummaries,
  MANIFEST_BYTES_LIMIT,
  readBackup,
  type CatalogCache,
  type Verdict,
} from '../../../main/engine/backup/catalog';
import { catalogCacheFile, fileCatalogCache } from '../../../main/engine/backup/catalog-cache';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import type { FileShare, ShareEntry } from '../../../main/engine/share/file-share';
import { LocalShare } from '../../../main/engine/share/local-share';
import { CountingShare } from '../../../main/engine/share/wrappers/counting-share';
import { withExpiry } from '../../../main/engine/retention/retention-policy';
import { draftFor, idAt, plantBackup } from '../../support/share-content';
import { makeTempDir } from '../../support/temp-dir';

const entry = (name: string, kind: ShareEntry['kind']): ShareEntry => ({
  name,
  kind,
  path: `MASBackup/${name}`,
  size: 0,
  modifiedAt: null,
});

describe('what a name under MASBackup\\ is, by name and kind alone', () => {
  it.each([
    ['20261101T000000Z-aaaaaa', 'directory', 'backup-candidate'],
    ['20261101T000000Z-aaaaaa', 'link', 'unknown'],
    ['20261101T000000Z-aaaaaa', 'file', 'unknown'],
    ['20261101T000000Z-aaaaaa.partial', 'directory', 'partial'],
    ['20261101T000000Z-aaaaaa.deleting', 'directory', 'deleting'],
    ['20261101T000000Z-aaaaaa.partial', 'link', 'unknown'],
    ['.lock', 'file', 'lock'],
    ['.lock.hb.x.00000001', 'file', 'lock'],
    ['.lock.stale.x', 'file', 'lock'],
    ['..lock.d3adbeef.partial-write', 'file', 'temporary'],
    ['.lock', 'directory', 'unknown'],
    ['OperatorData', 'directory', 'unknown'],
    ['notes.txt', 'file', 'unknown'],
    ['20261101T000000Z-AAAAAA', 'directory', 'unknown'],
    ['20261101T000000Z-aaaaaa\n', 'directory', 'unknown'],
    ['..\\20261101T000000Z-aaaaaa', 'directory', 'unknown'],
  ] as const)('%j (%s) is %s', (name, kind, role) => {
    expect(classifyEntry(entry(name, kind)).role).toBe(role);
  });
});

/** An in-memory CatalogCache that counts saves. */
function memoryCache(): CatalogCache & { saved: number; verdicts: Map<string, Verdict> } {
  const cache = {
    saved: 0,
    verdicts: new Map<string, Verdict>(),
    load: () => new Map(cache.verdicts),
    save: (verdicts: ReadonlyMap<string, Verdict>) => {
      cache.saved++;
      cache.verdicts = new Map(verdicts);
    },
  };
  return cache;
}

describe('the catalog over a real folder', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  let share: CountingShare;
  beforeEach(async () => {
    temp = await makeTempDir();
    root = join(temp.path, 'share');
    await mkdir(join(root, 'MASBackup'), { recursive: true });
    share = new CountingShare(new LocalShare(root));
  });
  afterEach(async () => temp.remove());

  const list = (cache?: CatalogCache) => listCatalog(share, backupFormat, { signal: NO_CANCEL, ...(cache ? { cache } : {}) });

  it('lists only real folders whose manifest names them as backups; everything else is Unknown, with why', async () => {
    const a = idAt('2026-11-01T00:00:00Z', 'aaaaaa');
    const b = idAt('2026-11-02T00:00:00Z', 'bbbbbb');
    await plantBackup(root, a, draftFor(a, '2026-11-01T00:10:00.000Z'));
    const bDir = await plantBackup(root, b, draftFor(b, '2026-11-02T00:10:00.000Z'));
    // A folder named like a newer backup whose manifest is b's: it must not pass for b (or anything).
    const impostor = idAt('2026-11-03T00:00:00Z', 'cccccc');
    await mkdir(join(root, 'MASBackup', impostor));
    await writeFile(join(root, 'MASBackup', impostor, 'manifest.json'), await readFile(join(bDir, 'manifest.json')));
    // A link named like an old backup, pointing at the operator's data next to MASBackup.
    await mkdir(join(root, 'OperatorData'));
    await symlink('../OperatorData', join(root, 'MASBackup', '20200101T000000Z-5a3b1c'));
    await writeFile(join(root, 'MASBackup', '20200102T000000Z-5a3b1c'), 'a file');
    await mkdir(join(root, 'MASBackup', '20200103T000000Z-5a3b1c'));
    await mkdir(join(root, 'MASBackup', `${a}.partial`));
    await mkdir(join(root, 'MASBackup', `20200104T000000Z-dddddd.deleting`));
    await writeFile(join(root, 'MASBackup', '.lock'), '');
    await writeFile(join(root, 'MASBackup', '..lock.0001.partial-write'), '');
    await writeFile(join(root, 'MASBackup', 'notes\n\u001b[31mtxt'), '');

    const listing = await list();
    expect(listing.backups.map((r) => r.backupId)).toEqual([b, a]);
    expect(Object.fromEntries(listing.unknown.map((u) => [u.name, u.problem]))).toEqual({
      [impostor]: `its manifest names another backup (${b}), not this folder`,
      '20200101T000000Z-5a3b1c': 'a link (symbolic link, junction or reparse point), not a folder',
      '20200102T000000Z-5a3b1c': 'a file named like a backup, not a folder',
      '20200103T000000Z-5a3b1c': 'it has no manifest.json',
      'notes\n\u001b[31mtxt': 'a file the console did not write',
    });
    expect(listing.partials).toEqual([a]);
    expect(listing.deleting).toEqual(['20200104T000000Z-dddddd']);
    expect(listing.lockFiles.map((e) => e.name)).toEqual(['.lock']);
    expect(listing.temporaries.map((e) => e.name)).toEqual(['..lock.0001.partial-write']);
    const rows = listingSummaries(listing);
    expect(rows.filter((r) => r.state === 'Unknown').map((r) => r.backupId)).toContain(impostor);
    expect(rows.find((r) => r.backupId === '20200101T000000Z-5a3b1c')).toMatchObject({
      state: 'Unknown',
      createdAt: '2020-01-01T00:00:00.000Z',
    });
  });

  it('a manifest with a non-date completedAt is Unknown ("unreadable"), and the rest lists as usual', async () => {
    const good = idAt('2026-11-01T00:00:00Z', 'aaaaaa');
    const bad = idAt('2026-11-02T00:00:00Z', 'bbbbbb');
    await plantBackup(root, good, draftFor(good, '2026-11-01T00:10:00.000Z'));
    await plantBackup(root, bad, draftFor(bad, 'yesterday', { durationSeconds: 60 }));
    const listing = await list();
    expect(listing.backups.map((r) => r.backupId)).toEqual([good]);
    expect(listing.unknown).toEqual([
      { name: bad, problem: 'its manifest has no valid completedAt time', createdAt: '2026-11-02T00:00:00.000Z' },
    ]);
    // The expiry of every row can be computed (the old code threw RangeError: Invalid time value here).
    expect(() => withExpiry(listingSummaries(listing), 7, { thumbprints: new Set(), legacyKeyIds: new Set() })).not.toThrow();
  });

  it('sizes and times that cannot be a backup are Unknown', async () => {
    const negative = idAt('2026-11-01T00:00:00Z', 'aaaaaa');
    const backwards = idAt('2026-11-02T00:00:00Z', 'bbbbbb');
    const misdated = idAt('2026-11-03T00:00:00Z', 'cccccc');
    const huge = idAt('2026-11-04T00:00:00Z', 'dddddd');
    await plantBackup(root, negative, draftFor(negative, '2026-11-01T00:10:00.000Z', { durationSeconds: -1 }));
    await plantBackup(root, backwards, draftFor(backwards, '2026-11-01T00:10:00.000Z'));
    await plantBackup(root, misdated, { ...draftFor(misdated, '2026-11-05T00:10:00.000Z'), createdAt: '2026-11-05T00:00:00.000Z' });
    const component = draftFor(huge, '2026-11-04T00:10:00.000Z').components[0]!;
    const half = { ...component, storedBytes: 2 ** 52 };
    await plantBackup(
      root,
      huge,
      draftFor(huge, '2026-11-04T00:10:00.000Z', { components: [half, { ...half, name: 'more', file: 'more.bin' }] }),
    );
    const problems = Object.fromEntries((await list()).unknown.map((u) => [u.name, u.problem]));
    expect(problems[negative]).toMatch(/not valid: durationSeconds/);
    expect(problems[backwards]).toBe('its manifest says it completed before it was created');
    expect(problems[misdated]).toBe('its name and its manifest disagree on when it was created');
    expect(problems[huge]).toBe('its manifest gives an impossible total size');
  });

  it('a planted multi-gigabyte manifest.json is read only up to the limit, and is Unknown', async () => {
    const id = idAt('2026-11-01T00:00:00Z', 'aaaaaa');
    await mkdir(join(root, 'MASBackup', id));
    await writeFile(join(root, 'MASBackup', id, 'manifest.json'), '');
    await truncate(join(root, 'MASBackup', id, 'manifest.json'), 4 * 1024 ** 3);
    let handedOut = 0;
    const metered: FileShare = Object.create(share) as FileShare;
    metered.readStream = async (path, signal) => {
      const stream = await share.readStream(path, signal);
      // Counted as the reader takes it (a 'data' listener would make the stream flow on its own).
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          handedOut += chunk.length;
          done(null, chunk);
        },
      });
      stream.once('error', (error) => counter.destroy(error));
      return stream.pipe(counter);
    };
    const listing = await listCatalog(metered, backupFormat, { signal: NO_CANCEL });
    expect(listing.unknown).toEqual([expect.objectContaining({ name: id, problem: 'manifest.json is larger than 256 KiB' })]);
    expect(handedOut).toBeLessThan(MANIFEST_BYTES_LIMIT + 1024 * 1024);
    await expect(readBackup(share, backupFormat, id, NO_CANCEL)).rejects.toMatchObject({ code: 'verify-failed' });
  });

  it('thousands of fake backup folders: at most LISTING_LIMIT manifests read and Unknown entries kept per listing; the next listing goes on', async () => {
    const fakes = LISTING_LIMIT + 50;
    for (let n = 0; n < fakes; n++)
      await mkdir(join(root, 'MASBackup', idAt(new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), 'abcdef')));
    const cache = memoryCache();
    const first = await list(cache);
    expect(share.count('readStream')).toBe(LISTING_LIMIT);
    expect(first.unknown).toHaveLength(LISTING_LIMIT);
    expect(first.overLimit).toBe(50);
    share.reset();
    const second = await list(cache);
    expect(share.count('readStream')).toBe(50);
    expect(second.overLimit).toBe(50);
  });

  it('the cache: a second listing reads no manifest; a folder deleted behind the console is gone; a new or changed one is read once', async () => {
    const ids = ['aaaaaa', 'bbbbbb', 'cccccc'].map((tail, n) => idAt(`2026-11-0${n + 1}T00:00:00Z`, tail));
    for (const id of ids) await plantBackup(root, id, draftFor(id, `${id.slice(0, 4)}-11-${id.slice(6, 8)}T00:10:00.000Z`));
    const cache = memoryCache();
    expect((await list(cache)).backups).toHaveLength(3);
    expect(share.counts()).toEqual({ list: 1, readStream: 3 });
    share.reset();
    expect((await list(cache)).backups.map((r) => r.backupId)).toEqual([...ids].reverse());
    expect(share.counts()).toEqual({ list: 1 });
    expect(cache.saved).toBe(1);

    await rm(join(root, 'MASBackup', ids[1]!), { recursive: true });
    const newer = idAt('2026-11-04T00:00:00Z', 'dddddd');
    await plantBackup(root, newer, draftFor(newer, '2026-11-04T00:10:00.000Z'));
    const changed = join(root, 'MASBackup', ids[0]!);
    const info = await stat(changed);
    await utimes(changed, info.atime, new Date(info.mtimeMs + 5000));
    share.reset();
    expect((await list(cache)).backups.map((r) => r.backupId)).toEqual([newer, ids[2], ids[0]]);
    expect(share.counts()).toEqual({ list: 1, readStream: 2 });
    expect([...cache.verdicts.keys()].sort()).toEqual([ids[0], ids[2], newer].sort());
  });

  it('the cache file: one per location, 0600 in the config folder; a reinstall (no file) or a damaged file rebuilds from the share', async () => {
    const id = idAt('2026-11-01T00:00:00Z', 'aaaaaa');
    await plantBackup(root, id, draftFor(id, '2026-11-01T00:10:00.000Z'));
    const configDir = join(temp.path, 'config');
    const problems: string[] = [];
    const cache = fileCatalogCache(configDir, '\\\\fs01\\backups|445', (p) => problems.push(p));
    await list(cache);
    const file = catalogCacheFile(configDir, '\\\\fs01\\backups|445');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(catalogCacheFile(configDir, '\\\\fs02\\backups|445')).not.toBe(file);
    share.reset();
    await list(fileCatalogCache(configDir, '\\\\fs01\\backups|445'));
    expect(share.count('readStream')).toBe(0);

    const reinstalled = fileCatalogCache(join(temp.path, 'config-reinstalled'), '\\\\fs01\\backups|445');
    share.reset();
    expect((await list(reinstalled)).backups.map((r) => r.backupId)).toEqual([id]);
    expect(share.count('readStream')).toBe(1);

    await writeFile(file, '{"version":1,');
    share.reset();
    expect((await list(fileCatalogCache(configDir, '\\\\fs01\\backups|445', (p) => problems.push(p)))).backups).toHaveLength(1);
    expect(share.count('readStream')).toBe(1);
    expect(problems).toEqual([expect.stringContaining('is not valid; it is rebuilt from the share')]);
  });

  it('readBackup (verify, restore, details) applies the same rules: a link or an impostor is not a backup', async () => {
    const b = idAt('2026-11-02T00:00:00Z', 'bbbbbb');
    const bDir = await plantBackup(root, b, draftFor(b, '2026-11-02T00:10:00.000Z'));
    const impostor = idAt('2026-11-03T00:00:00Z', 'cccccc');
    await mkdir(join(root, 'MASBackup', impostor));
    await writeFile(join(root, 'MASBackup', impostor, 'manifest.json'), await readFile(join(bDir, 'manifest.json')));
    await symlink(b, join(root, 'MASBackup', '20200101T000000Z-5a3b1c'));
    expect((await readBackup(share, backupFormat, b, NO_CANCEL)).manifest.backupId).toBe(b);
    await expect(readBackup(share, backupFormat, impostor, NO_CANCEL)).rejects.toMatchObject({
      code: 'verify-failed',
      message: expect.stringContaining('names another backup'),
    });
    await expect(readBackup(share, backupFormat, '20200101T000000Z-5a3b1c', NO_CANCEL)).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('a share failure while reading a manifest fails the listing with its category (it is not "Unknown")', async () => {
    const id = idAt('2026-11-01T00:00:00Z', 'aaaaaa');
    await plantBackup(root, id, draftFor(id, '2026-11-01T00:10:00.000Z'));
    const failing: FileShare = Object.create(share) as FileShare;
    failing.readStream = async () => {
      const { shareError } = await import('../../../main/engine/share/share-errors');
      throw shareError('connectivity', 'gone');
    };
    await expect(listCatalog(failing, backupFormat, { signal: NO_CANCEL })).rejects.toMatchObject({
      code: 'share',
      category: 'connectivity',
    });
    // Never cached as Unknown either: nothing was learnt.
    const cache = memoryCache();
    await expect(listCatalog(failing, backupFormat, { signal: NO_CANCEL, cache })).rejects.toBeTruthy();
    expect(cache.saved).toBe(0);
  });
});
