/**
 * A console's retention pass in its own process, for the test that kills it
 * with SIGKILL in the middle of a deletion. It runs the production
 * RetentionRunner over the production SMB driver, wrapped in the scripted
 * fault wrapper: the removal of a backup folder hangs (after announcing
 * itself on stdout with `deleting <path>`) until the process is killed.
 * Its instructions arrive in IBC_TEST_RETENTION (never argv).
 */
import { backupFormat, legacyKeyId } from '../../../main/engine/backup/backup-format';
import { listCatalog } from '../../../main/engine/backup/catalog';
import { RetentionRunner, findLeftovers } from '../../../main/engine/retention';
import { FakeClock } from '../../support/fake-clock';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { SmbShare, type SmbShareOptions } from '../../../main/engine/share/smb-share';
import { FaultyShare } from '../../../main/engine/share/wrappers/faulty-share';
import type { ShareCall } from '../../../main/engine/share/wrappers/share-wrapper';

export interface RetentionChildInstructions {
  share: SmbShareOptions;
  now: string;
  retentionDays: number;
  /** The keys the planted backups were made with: this child's console owns them. */
  legacyKeyBase64: string;
  signingPublicKey: string;
}

/** Says on stdout which removal it is stuck in, so the test knows when to kill. */
class AnnouncedHang extends FaultyShare {
  protected override intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (call.method === 'deleteTree' && /^MASBackup\/\d{8}T\d{6}Z-[0-9a-f]{6}/.test(call.path ?? ''))
      process.stdout.write(`deleting ${call.path}\n`);
    return super.intercept(call, proceed);
  }
}

const instructions = JSON.parse(process.env.IBC_TEST_RETENTION ?? 'null') as RetentionChildInstructions | null;
if (!instructions) throw new Error('retention-child needs IBC_TEST_RETENTION');
const share = new AnnouncedHang(new SmbShare(instructions.share)).script({
  method: 'deleteTree',
  path: /^MASBackup\/\d{8}T\d{6}Z-[0-9a-f]{6}/,
  fault: 'hang',
});
const now = new Date(instructions.now);
const clock = new FakeClock(now);
const runner = new RetentionRunner({
  clock,
  timeline: { append: async () => undefined },
  target: { rename: (from, to) => share.rename(from, to, NO_CANCEL), deleteTree: (path) => share.deleteTree(path, NO_CANCEL) },
  listBackups: async () => (await listCatalog(share, backupFormat, { signal: NO_CANCEL })).backups,
  listLeftovers: () => findLeftovers(share, now.getTime()),
  retentionDays: () => instructions.retentionDays,
  ownKeys: () => ({
    thumbprints: new Set(),
    legacyKeyIds: new Set([legacyKeyId(Buffer.from(instructions.legacyKeyBase64, 'base64'))]),
    signingKeys: new Set([instructions.signingPublicKey]),
    signingSince: null,
  }),
});
void runner.run();
