import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupFormat } from '../../../main/engine/backup/backup-format';
import { runBackupJob } from '../../../main/engine/backup/backup-job';
import { LocalShare } from '../../../main/engine/share/local-share';
import { FaultyShare } from '../../../main/engine/share/wrappers/faulty-share';
import { FORGING_KEY, FORGING_SIGNER } from '../../support/share-content';
import { makeTempDir } from '../../support/temp-dir';

const clock = { now: () => new Date('2026-11-24T10:00:00Z'), setInterval: () => ({ cancel: () => undefined }) };

describe('the backup job and the leftovers of dead jobs', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  beforeEach(async () => {
    temp = await makeTempDir();
    root = join(temp.path, 'share');
    await mkdir(join(temp.path, 'source'), { recursive: true });
    await writeFile(join(temp.path, 'source', 'data.txt'), 'data');
  });
  afterEach(async () => temp.remove());

  const run = (share: FaultyShare) =>
    runBackupJob(
      { share, clock },
      {
        jobId: 'job',
        backupId: '20261124T100000Z-abcdef',
        trigger: 'on-demand',
        sources: [{ name: 'files', kind: 'folder', folder: join(temp.path, 'source') }],
        sealer: backupFormat.newSealer('20261124T100000Z-abcdef', { mode: 'legacy-key', key: FORGING_KEY }, FORGING_SIGNER),
        signal: new AbortController().signal,
        onProgress: () => undefined,
      },
    );

  it('a .partial the server will not delete (a handle kept after a network loss) is skipped and reported; the backup succeeds', async () => {
    const stuck = '20261124T090000Z-dead01.partial';
    await mkdir(join(root, 'MASBackup', stuck), { recursive: true });
    await mkdir(join(root, 'MASBackup', '20261124T080000Z-dead02.partial'), { recursive: true });
    const share = new FaultyShare(new LocalShare(root)).script({ method: 'deleteTree', path: stuck, fault: 'general' });
    const outcome = await run(share);
    share.assertAllFired();
    expect(outcome.failure).toBeNull();
    expect(outcome.manifest.state).toBe('Succeeded');
    expect(outcome.leftoversKept).toEqual([{ target: stuck, message: expect.stringContaining('Scripted fault') }]);
    expect((await readdir(join(root, 'MASBackup'))).sort()).toEqual([stuck, '20261124T100000Z-abcdef']);
  });

  it('lock litter of earlier runs is gone after the next backup', async () => {
    await mkdir(join(root, 'MASBackup'), { recursive: true });
    for (const name of ['.lock.stale.1234', '.lock.hb.deadbeef.00000003', '..lock.5678.partial-write'])
      await writeFile(join(root, 'MASBackup', name), '');
    const outcome = await run(new FaultyShare(new LocalShare(root)));
    expect(outcome.failure).toBeNull();
    expect(await readdir(join(root, 'MASBackup'))).toEqual(['20261124T100000Z-abcdef']);
  });
});
