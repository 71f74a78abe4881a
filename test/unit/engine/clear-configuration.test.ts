import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/engine/dispatch';
import { openSettings } from '../../../main/engine/settings';
import { SECRET_NAMES } from '../../../main/engine/secrets/secret-store';
import { testCertificate } from '../../support/backup-fixtures';
import { configuredEngine, type EngineHarness } from './engine-harness';

const H = 3_600_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

describe('Clear configuration (Clear-AzsBackupConfiguration)', () => {
  it('asks first; then forgets location, credentials and certificate, keeps the backups on the share and the history', async () => {
    h = await configuredEngine({ frequencyHours: 4 });
    await h.engine.saveSettings({ username: 'CONTOSO\\backup', password: 'S3cret-pa55', passwordConfirm: 'S3cret-pa55' });
    await h.engine.startBackup();
    await h.engine.whenIdle();
    const [backup] = await h.engine.listBackups();
    const onShare = await readdir(join(h.shareDir, 'MASBackup'));

    const unconfirmed = await dispatch(h.engine, 'clearConfiguration', { confirm: false });
    expect(unconfirmed.ok ? 'cleared' : unconfirmed.error).toMatchObject({
      code: 'confirmation-required',
      message: expect.stringContaining(h.shareDir),
    });
    expect((await h.engine.getSettings()).configured).toBe(true);

    const cleared = await h.engine.clearConfiguration({ confirm: true });
    expect(cleared).toMatchObject({ configured: false, location: '', username: '', encryption: { mode: 'none' }, passwordSet: false });
    expect(openSettings({ configDir: h.configDir }).secrets.get(SECRET_NAMES.sharePassword)).toBeNull();
    expect(await readdir(join(h.shareDir, 'MASBackup'))).toEqual(onShare);
    expect((await h.engine.getSchedule()).nextBackupTime).toBeNull();
    const timeline = await h.engine.getTimeline({});
    expect(timeline.some((event) => event.kind === 'run-finished' && event.backupId === backup?.backupId)).toBe(true);
    expect(timeline[0]?.summary).toContain('Backup configuration cleared');
    expect((await dispatch(h.engine, 'startBackup', undefined)).ok).toBe(false);

    // No scheduled backup runs while cleared; configured again, the old backup is listed as this console's.
    await h.clock.advance(8 * H);
    await h.engine.whenIdle();
    expect(await readdir(join(h.shareDir, 'MASBackup'))).toEqual(onShare);
    await h.engine.saveSettings({ location: h.shareDir, certificateBase64: testCertificate().cerDer.toString('base64') });
    expect(await h.engine.listBackups()).toEqual([expect.objectContaining({ backupId: backup?.backupId, state: 'Succeeded' })]);
  });
});
