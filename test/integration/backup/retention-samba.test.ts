import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { SAMBA_TEST_UNIX_USER, startSamba, type SambaServer, shareSettingsFor } from '../../support/samba';
import { FakeClock } from '../../support/fake-clock';
import { backupNow, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('retention on a real Samba share, with backups made in the past under an injected clock', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  const clock = new FakeClock('2026-11-01T00:00:00.000Z');
  const ids: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    const source = join(temp.path, 'source');
    await mkdir(source);
    await writeFile(join(source, 'data.json'), JSON.stringify({ hello: 'retention' }));
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      clock,
      logger: createLogger({ level: 'silent' }),
    });
    await engine.saveSettings({
      ...shareSettingsFor(server),
      retentionDays: 14,
      automaticBackups: false,
      certificateBase64: testCertificate().cerDer.toString('base64'),
    });
    await engine.addSource({ name: 'files', folder: source });
    // A and B succeed on Nov 1 and 2; from then on the source fails, so C (Nov 5) is Failed.
    ids.A = (await backupNow(engine)).backup!.backupId;
    clock.setWallTime('2026-11-02T00:00:00.000Z');
    ids.B = (await backupNow(engine)).backup!.backupId;
    await engine.removeSource({ name: 'files' });
    await engine.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    clock.setWallTime('2026-11-05T00:00:00.000Z');
    const failed = await backupNow(engine);
    ids.C = failed.backup!.backupId;
    expect(failed.backup?.state).toBe('Failed');
    clock.setWallTime('2026-11-10T00:00:00.000Z');
  });
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
    await temp?.remove();
  });

  it('lowering retention shows exactly what will go and asks for confirmation', async () => {
    const preview = await engine.previewRetention({ retentionDays: 2 });
    expect(preview.toDelete.map((b) => b.backupId).sort()).toEqual([ids.A, ids.C].sort());
    // the newest successful backup is kept although it is 8 days old: the last good one must survive
    expect(preview.keptNewestSuccessful).toBe(ids.B);
    await expect(engine.saveSettings({ retentionDays: 2 })).rejects.toMatchObject({
      code: 'confirmation-required',
      field: 'retentionDays',
      message: expect.stringContaining(ids.A),
    });
    expect((await engine.getSettings()).retentionDays).toBe(14);
    await engine.saveSettings({ retentionDays: 2, confirmRetentionDeletion: true });
  });

  it('the lowered period deletes the previewed backups at once; the pass after a skipped backup deletes the stale .partial, keeps the live one and everything outside MASBackup', async () => {
    // The confirmed save above started a retention pass (settings-changed), which deletes A and C:
    // waited for, so the files below are not raced by it.
    await engine.whenIdle();
    const masBackup = join(server.shareDir, 'MASBackup');
    const now = clock.now().toISOString();
    const liveId = '20261109T230000Z-bbbbbb';
    // Another console is mid-backup: its lock has a fresh heartbeat.
    await writeFile(
      join(masBackup, '.lock'),
      JSON.stringify({ lockId: 'other-console', owner: 'another-station:4242', jobId: 'j', backupId: liveId, acquiredAt: now }),
    );
    await writeFile(join(masBackup, '.lock.hb.other-console.00000001'), JSON.stringify({ at: now }));
    await mkdir(join(masBackup, `${liveId}.partial`));
    await mkdir(join(masBackup, '20261103T000000Z-aaaaaa.partial'));
    await writeFile(join(masBackup, '20261103T000000Z-aaaaaa.partial', 'files.bin'), 'half written');
    await mkdir(join(server.shareDir, 'operator-switch-configs'));
    execFileSync('chown', ['-R', SAMBA_TEST_UNIX_USER, server.shareDir]);

    // A backup now is skipped (the other console holds the lock); the pass after it finds the stale .partial and the live one.
    await engine.startAutomation();
    await clock.advance(61_000);
    expect((await backupNow(engine)).backup?.state).toBe('Skipped');
    await until(async () => (await engine.getTimeline({ kinds: ['retention-deleted'] })).length >= 3, 'retention to run');

    const left = await readdir(masBackup);
    expect(left).toContain(ids.B);
    expect(left).not.toContain(ids.A);
    expect(left).not.toContain(ids.C);
    expect(left).not.toContain('20261103T000000Z-aaaaaa.partial');
    expect(left).toContain(`${liveId}.partial`);
    expect(await readdir(server.shareDir)).toContain('operator-switch-configs');
    const deleted = (await engine.getTimeline({ kinds: ['retention-deleted'] })).map((e) => e.backupId).filter(Boolean);
    expect(deleted.filter((id) => id !== '20261103T000000Z-aaaaaa').sort()).toEqual([ids.A, ids.C].sort());
    // The slots the injected clock passed are listed as Skipped rows of the history; the share holds only B.
    const onShare = (await engine.listBackups()).filter((b) => b.state !== 'Skipped');
    expect(onShare.map((b) => ({ id: b.backupId, expiresAt: b.expiresAt }))).toEqual([{ id: ids.B, expiresAt: null }]);
  });
});
