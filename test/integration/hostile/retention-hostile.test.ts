/**
 * Issue 17 "Retention and prune delete only what is provably ours and
 * expired", and issue 18's unreadable manifest and forged output lines, on a
 * real Samba share: two consoles with different certificates on one
 * location, a link named like an old backup pointing at the operator's data,
 * a folder carrying the newest backup's manifest, a manifest with a date that
 * is not one, and a manifest whose id would forge lines of the CLI's output.
 */
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';
import { succeeded, testCertificate } from '../../support/backup-fixtures';
import { cli } from '../../support/cli';
import { FakeClock } from '../../support/fake-clock';
import { startSamba, type SambaServer } from '../../support/samba';
import { draftFor, plantBackup } from '../../support/share-content';
import { makeTempDir } from '../../support/temp-dir';
import { backupAndSettle, newConsole, ownedByShareUser, type TestConsole } from './consoles';

describe("retention deletes only what is provably this console's and expired (real Samba, two consoles)", () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let a: TestConsole;
  let b: TestConsole;
  const clock = new FakeClock('2026-11-01T00:00:00.000Z');
  const ids = { a1: '', a2: '', a3: '', b1: '' };
  const LINK = '20200101T000000Z-5a3b1c';
  const IMPOSTOR = '20261104T000000Z-cccccc';
  const BAD_DATE = '20261103T120000Z-dddddd';
  const FORGED_LINES = '20261103T130000Z-eeeeee';
  let mas: string;

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    mas = join(server.shareDir, 'MASBackup');
    a = await newConsole(server, join(temp.path, 'a'), clock, testCertificate());
    b = await newConsole(
      server,
      join(temp.path, 'b'),
      clock,
      generateSelfSignedCertificate({ dnsName: 'console-b.test', pfxPassword: 'b' }),
    );
    ids.a1 = succeeded(await backupAndSettle(a.engine)).backupId;
    clock.setWallTime('2026-11-02T00:00:00.000Z');
    ids.a2 = succeeded(await backupAndSettle(a.engine)).backupId;
    clock.setWallTime('2026-11-03T00:00:00.000Z');
    // Console B, another certificate, writes to the same location: its own retention never touches A's backups.
    ids.b1 = succeeded(await backupAndSettle(b.engine)).backupId;
    expect((await readdir(mas)).sort()).toEqual([ids.a1, ids.a2, ids.b1].sort());

    // What someone with write access to the file server plants.
    await mkdir(join(server.shareDir, 'OperatorData'));
    await writeFile(join(server.shareDir, 'OperatorData', 'switch-configs.txt'), "the operator's own data");
    await symlink('../OperatorData', join(mas, LINK));
    await mkdir(join(mas, IMPOSTOR));
    await cp(join(mas, ids.a2, 'manifest.json'), join(mas, IMPOSTOR, 'manifest.json'));
    await plantBackup(server.shareDir, BAD_DATE, draftFor(BAD_DATE, 'yesterday', { durationSeconds: 60 }));
    await plantBackup(server.shareDir, FORGED_LINES, {
      ...draftFor(FORGED_LINES, '2026-11-03T13:10:00.000Z'),
      backupId: 'evil\u001b[31m\nFORGED LINE',
    });
    ownedByShareUser(server.shareDir);
  });
  afterAll(async () => {
    await a?.engine.close();
    await b?.engine.close();
    await server?.stop();
    await temp?.remove();
  });

  it('lists the planted entries as Unknown, each with why; the real backups as themselves', async () => {
    const listed = await a.engine.listBackups();
    expect(listed.filter((r) => r.state !== 'Unknown').map((r) => r.backupId)).toEqual([ids.b1, ids.a2, ids.a1]);
    const unknown = Object.fromEntries(listed.filter((r) => r.state === 'Unknown').map((r) => [r.backupId, r.problem]));
    expect(unknown).toEqual({
      [IMPOSTOR]: `its manifest names another backup (${ids.a2}), not this folder`,
      // Samba follows the link and reports it as a folder: it is still no backup (no manifest of its own).
      [LINK]: expect.stringMatching(/^(it has no manifest\.json|a link .*)$/),
      [BAD_DATE]: 'its manifest has no valid completedAt time',
      [FORGED_LINES]: 'its manifest names another backup (evil\u001b[31m\nFORGED LINE), not this folder',
    });
    expect(listed.every((r) => r.state !== 'Unknown' || r.expiresAt === null)).toBe(true);
  });

  it("lowering retention previews exactly the expired backup of this console: never the last good one, never B's, never an Unknown entry", async () => {
    clock.setWallTime('2026-11-10T00:00:00.000Z');
    const preview = await a.engine.previewRetention({ retentionDays: 2 });
    expect(preview.toDelete.map((x) => x.backupId)).toEqual([ids.a1]);
    expect(preview.keptNewestSuccessful).toBe(ids.a2);
    expect(preview.kept.map((k) => k.backupId).sort()).toEqual([ids.a2, ids.b1].sort());
    await a.engine.saveSettings({ retentionDays: 2, confirmRetentionDeletion: true });
  });

  it("a retention pass (after a failing backup) deletes A1 and nothing else: the operator's data, A's last restorable backup and B's backup survive", async () => {
    await rm(a.sourceDir, { recursive: true });
    const failed = await backupAndSettle(a.engine);
    ids.a3 = failed.backup?.backupId ?? '';
    expect(failed.backup?.state).toBe('Failed');

    const left = await readdir(mas);
    expect(left).not.toContain(ids.a1);
    expect(left).not.toContain(`${ids.a1}.deleting`);
    expect(left.sort()).toEqual([ids.a2, ids.a3, ids.b1, LINK, IMPOSTOR, BAD_DATE, FORGED_LINES].sort());
    expect(await readFile(join(server.shareDir, 'OperatorData', 'switch-configs.txt'), 'utf8')).toBe("the operator's own data");
    const deleted = (await a.engine.getTimeline({ kinds: ['retention-deleted'] })).map((e) => e.backupId);
    expect(deleted).toEqual([ids.a1]);

    const alerts = await a.engine.listAlerts();
    expect(alerts.map((x) => x.kind)).toEqual(expect.arrayContaining(['foreign-backups', 'unknown-share-content']));
    expect(alerts.map((x) => x.kind)).not.toContain('retention-delete-failed');
    expect(alerts.find((x) => x.kind === 'foreign-backups')?.detail).toContain(
      `station key ${(await b.engine.getSettings()).signingPublicKey}`,
    );
    expect(alerts.find((x) => x.kind === 'unknown-share-content')?.detail).not.toMatch(/[\u0000-\u001f]/);
  });

  it("B's retention, with a short period too, keeps its own last backup and deletes none of A's", async () => {
    await b.engine.saveSettings({ retentionDays: 2, confirmRetentionDeletion: true });
    await rm(b.sourceDir, { recursive: true });
    await backupAndSettle(b.engine);
    const left = await readdir(mas);
    expect(left).toEqual(expect.arrayContaining([ids.a2, ids.a3, ids.b1]));
  });

  it('backup list exits 0 with the unreadable entry listed, and its human output escapes what came from the share', async () => {
    const json = await cli(['--json', '--config-dir', a.configDir, 'backup', 'list']);
    expect(json.code, json.err).toBe(0);
    const rows = JSON.parse(json.out) as Array<{ backupId: string; status: string }>;
    expect(rows.find((r) => r.backupId === BAD_DATE)?.status).toBe('Unknown');
    expect(rows.find((r) => r.backupId === ids.a2)?.status).toBe('Succeeded');

    const human = await cli(['--config-dir', a.configDir, 'backup', 'list']);
    expect(human.code, human.err).toBe(0);
    expect(human.out).not.toContain('\u001b');
    expect(human.out.split('\n').some((line) => line.startsWith('FORGED LINE'))).toBe(false);
    expect(human.out).toContain('evil\\u001b[31m\\nFORGED LINE');
  });
});
