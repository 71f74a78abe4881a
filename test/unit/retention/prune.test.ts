import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupFormat } from '../../../main/engine/backup/backup-format';
import { LISTING_LIMIT } from '../../../main/engine/backup/catalog';
import { pruneExternalStore } from '../../../main/engine/retention/prune';
import { LocalShare } from '../../../main/engine/share/local-share';
import { draftFor, idAt, plantBackup } from '../../support/share-content';
import { makeTempDir } from '../../support/temp-dir';

const clock = { now: () => new Date('2026-11-24T10:00:00Z'), setInterval: () => ({ cancel: () => undefined }) };

describe('prune over a real folder', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  beforeEach(async () => {
    temp = await makeTempDir();
    root = join(temp.path, 'share');
    await mkdir(join(root, 'MASBackup'), { recursive: true });
  });
  afterEach(async () => temp.remove());

  it('a folder named like a backup that one listing did not examine is never removed, even when named: it may be a backup', async () => {
    const real = idAt('2026-11-20T00:00:00Z', 'aaaaaa');
    await plantBackup(root, real, draftFor(real, '2026-11-20T00:10:00.000Z'));
    for (let n = 0; n < LISTING_LIMIT + 5; n++)
      await mkdir(join(root, 'MASBackup', idAt(new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), 'bbbbbb')));
    const unexamined = Array.from({ length: 6 }, (_, n) => idAt(new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), 'bbbbbb'));
    const share = new LocalShare(root);
    // The operator names them all (as if from an older dry run): none goes.
    const result = await pruneExternalStore({ share, format: backupFormat, clock }, { operation: 'Default', removeUnknown: unexamined });
    expect(result.notExamined).toBeGreaterThan(0);
    const listed = result.items.filter((i) => unexamined.includes(i.name));
    expect(listed.map((i) => i.action)).toEqual(['kept']);
    expect(listed[0]?.detail).toContain('may be a backup');
    for (const name of unexamined) expect(await readdir(join(root, 'MASBackup'))).toContain(name);
    expect(await readdir(join(root, 'MASBackup'))).toContain(real);
    expect(result.items.some((i) => i.name === real)).toBe(false);
    // Prune's own lock leaves nothing behind and is not reported.
    expect(result.items.some((i) => i.kind === 'lock')).toBe(false);
    expect((await readdir(join(root, 'MASBackup'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
