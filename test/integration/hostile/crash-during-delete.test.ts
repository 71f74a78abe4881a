/**
 * Issue 17: "SIGKILL during a retention delete leaves a half-deleted folder
 * that lists as a backup." A real process runs a retention pass against a
 * real Samba share and is killed (SIGKILL) while it removes an expired
 * backup; what it leaves must never list as a backup, and the next pass
 * finishes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupFormat, legacyKeyId } from '../../../main/engine/backup/backup-format';
import { listCatalog } from '../../../main/engine/backup/catalog';
import { RetentionRunner, findLeftovers } from '../../../main/engine/retention';
import { FakeClock } from '../../support/fake-clock';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { SmbShare, type SmbShareOptions } from '../../../main/engine/share/smb-share';
import { startSamba, type SambaServer } from '../../support/samba';
import { draftFor, FORGING_KEY, FORGING_SIGNER, plantBackup } from '../../support/share-content';
import { PROJECT_ROOT } from '../../support/web-console';
import { ownedByShareUser } from './consoles';
import type { RetentionChildInstructions } from './retention-child';

const EXPIRED = '20261101T000000Z-aaaaaa';
const KEPT = '20261109T000000Z-bbbbbb';
const NOW = '2026-11-10T00:00:00.000Z';

function startChild(instructions: RetentionChildInstructions): ChildProcess {
  const jiti = path.join(PROJECT_ROOT, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
  return spawn(process.execPath, [jiti, path.join(PROJECT_ROOT, 'test', 'integration', 'hostile', 'retention-child.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, IBC_TEST_RETENTION: JSON.stringify(instructions) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves with the child's first `deleting …` line; rejects if it exits first. */
function whenDeleting(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = /deleting (\S+)\n/.exec(seen);
      if (line) resolve(line[1] ?? '');
    });
    child.once('exit', (code, signal) => reject(new Error(`the retention process ended (${code ?? signal}) before deleting`)));
  });
}

describe('SIGKILL of a real process during a retention delete (real Samba)', () => {
  let server: SambaServer;
  let options: SmbShareOptions;
  beforeAll(async () => {
    server = await startSamba();
    options = { address: server.address, port: server.port, share: server.shareName, username: server.username, password: server.password };
    await plantBackup(server.shareDir, EXPIRED, draftFor(EXPIRED, '2026-11-01T00:10:00.000Z'));
    await plantBackup(server.shareDir, KEPT, draftFor(KEPT, '2026-11-09T00:10:00.000Z'));
    ownedByShareUser(server.shareDir);
  });
  afterAll(async () => server?.stop());

  it('leaves nothing that lists as a backup, and the next pass finishes the deletion', async () => {
    const child = startChild({
      share: options,
      now: NOW,
      retentionDays: 2,
      legacyKeyBase64: FORGING_KEY.toString('base64'),
      signingPublicKey: FORGING_SIGNER.publicKey,
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    expect(await whenDeleting(child)).toBe(`MASBackup/${EXPIRED}.deleting`);
    child.kill('SIGKILL');
    await exited;

    const share = new SmbShare(options);
    const listing = await listCatalog(share, backupFormat, { signal: NO_CANCEL });
    expect(listing.backups.map((b) => b.backupId)).toEqual([KEPT]);
    expect(listing.unknown).toEqual([]);
    expect(listing.deleting).toEqual([EXPIRED]);

    const now = new Date(NOW);
    const next = new RetentionRunner({
      clock: new FakeClock(now),
      timeline: { append: async () => undefined },
      target: { rename: (from, to) => share.rename(from, to, NO_CANCEL), deleteTree: (p) => share.deleteTree(p, NO_CANCEL) },
      listBackups: async () => (await listCatalog(share, backupFormat, { signal: NO_CANCEL })).backups,
      listLeftovers: () => findLeftovers(share, now.getTime()),
      retentionDays: () => 2,
      ownKeys: () => ({
        thumbprints: new Set(),
        legacyKeyIds: new Set([legacyKeyId(FORGING_KEY)]),
        signingKeys: new Set([FORGING_SIGNER.publicKey]),
      }),
    });
    const outcome = await next.run();
    expect(outcome.deletionsFinished).toEqual([EXPIRED]);
    expect(outcome.failures).toEqual([]);
    expect(await readdir(join(server.shareDir, 'MASBackup'))).toEqual([KEPT]);
    await share.close();
  });
});
