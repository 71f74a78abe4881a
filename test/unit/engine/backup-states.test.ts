import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../preload/api';
import { FaultyShare } from '../../../main/engine/share/wrappers/faulty-share';
import { configuredEngine, type EngineHarness } from './engine-harness';

const H = 3_600_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

type JobFinished = Extract<ApiEvent, { type: 'job-finished' }>;

function nextFinished(harness: EngineHarness): Promise<JobFinished> {
  return new Promise((resolve) => {
    const stop = harness.engine.onEvent((event) => {
      if (event.type === 'job-finished') {
        stop();
        resolve(event);
      }
    });
  });
}

/** A live lock of another console on the share, as its job would have written it. */
async function otherConsolesLock(harness: EngineHarness): Promise<void> {
  await mkdir(join(harness.shareDir, 'MASBackup'), { recursive: true });
  const record = {
    lockId: randomUUID(),
    owner: 'other-station.contoso.com:4242',
    jobId: randomUUID(),
    backupId: '20260501T000000Z-abcdef',
    acquiredAt: harness.clock.now().toISOString(),
  };
  await writeFile(join(harness.shareDir, 'MASBackup', '.lock'), JSON.stringify(record));
}

describe('Skipped: a backup that could not run is a backup of its own', () => {
  it('a slot passed while automatic backups are disabled is listed as Skipped with its reason, and on the timeline', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.startAutomation();
    await h.engine.setAutomaticBackups({ enabled: false });
    await h.clock.advance(4 * H + 60_000);

    const skipped = (await h.engine.listBackups()).filter((row) => row.state === 'Skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ trigger: 'scheduled', reason: 'automatic backups disabled', sizeBytes: 0, recoveryReady: false });
    const timeline = await h.engine.getTimeline({ kinds: ['slot-skipped'] });
    expect(timeline[0]).toMatchObject({ state: 'Skipped', backupId: skipped[0]?.backupId, reason: 'automatic backups disabled' });
  });

  it("a backup that finds another console's lock on the share ends Skipped (not Failed): listed with why, no failure alert", async () => {
    h = await configuredEngine();
    await otherConsolesLock(h);
    const finished = nextFinished(h);
    await h.engine.startBackup();
    const end = await finished;
    await h.engine.whenIdle();

    expect(end.backup?.state).toBe('Skipped');
    expect(end.error).toMatchObject({ code: 'backup-running', message: expect.stringContaining('other-station.contoso.com') });
    const listed = await h.engine.listBackups();
    expect(listed).toEqual([
      expect.objectContaining({
        backupId: end.backup?.backupId,
        state: 'Skipped',
        reason: expect.stringContaining('other-station.contoso.com'),
      }),
    ]);
    expect((await h.engine.getLastRuns()).lastAttempt).toMatchObject({ state: 'Skipped' });
    const alerts = (await h.engine.listAlerts()).map((alert) => alert.kind);
    for (const category of ['capacity', 'connectivity', 'path', 'authentication', 'general'] as const)
      expect(alerts).not.toContain(category);
  });
});

describe('Running: the backup being taken is a row of the list', () => {
  it('while a job runs the list shows it first as Running; once cancelled it is gone (nothing of it is on the share)', async () => {
    h = await configuredEngine();
    await h.engine.startBackup();
    await h.engine.whenIdle();
    h.wrapNextShare((share) => new FaultyShare(share).script({ method: 'writeStream', path: 'files.bin', fault: 'hang' }));
    const job = await h.engine.startBackup();

    const rows = await h.engine.listBackups();
    expect(rows[0]).toMatchObject({ backupId: job.backupId, state: 'Running', trigger: 'on-demand', completedAt: null, expiresAt: null });
    expect(rows.slice(1).map((row) => row.state)).toEqual(['Succeeded']);

    await h.engine.cancelBackup();
    await h.engine.whenIdle();
    expect((await h.engine.listBackups()).map((row) => row.state)).toEqual(['Succeeded']);
  });
});
