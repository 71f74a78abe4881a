import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireShareLock, LOCK_FILE } from '../../../main/engine/backup/share-lock';
import type { Clock } from '../../../main/engine/backup/job-clock';
import { SmbShare } from '../../../main/engine/share/smb-share';
import { startSamba, type SambaServer } from '../../support/samba';
import { NO_CANCEL } from '../../../main/engine/share/abort';

const clock: Clock = {
  now: () => new Date(),
  setInterval: () => ({ cancel: () => undefined }),
};

// Samba lets two renames racing onto one name both report success (see the
// share conformance suite), so exclusivity rests on the lock reading itself
// back: over many races, never two holders.
describe('share lock on a real Samba share', () => {
  let server: SambaServer;
  let share: SmbShare;
  beforeAll(async () => {
    server = await startSamba();
    share = new SmbShare({
      address: server.address,
      port: server.port,
      share: server.shareName,
      username: server.username,
      password: server.password,
    });
    await share.mkdirp('MASBackup', NO_CANCEL);
  });
  afterAll(async () => server?.stop());

  it('of two consoles racing for the lock, exactly one holds it, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const results = await Promise.allSettled(
        ['a', 'b'].map((id) => acquireShareLock(share, { dir: 'MASBackup', clock }, { jobId: `${id}${round}`, backupId: id })),
      );
      const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      expect(won, `round ${round}`).toHaveLength(1);
      expect(lost[0]).toMatchObject({ code: 'backup-running' });
      await won[0]!.release();
      expect(await share.stat(`MASBackup/${LOCK_FILE}`, NO_CANCEL)).toBeNull();
    }
  });
});
