import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine } from '../../../main/engine/service';
import { PFX_PASSWORD, testCertificate } from '../../support/backup-fixtures';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';
import { configuredEngine, type EngineHarness } from '../engine/engine-harness';

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

const pfx = () => ({ pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD });

describe('the unconfirmed-recovery-key alert closes the moment a key check succeeds', () => {
  it('in a running console: gone when checkRecoveryKey answers, not at the next pass', async () => {
    h = await configuredEngine();
    await h.engine.startAutomation();
    await h.engine.startBackup();
    await h.engine.whenIdle();
    expect((await h.engine.listAlerts()).map((a) => a.kind)).toContain('unconfirmed-recovery-key');

    const check = await h.engine.checkRecoveryKey(pfx());
    expect(check.opensNewestBackup).toBe(true);
    expect((await h.engine.listAlerts()).map((a) => a.kind)).not.toContain('unconfirmed-recovery-key');
    const changed = h.events.filter((e) => e.type === 'alerts-changed').at(-1);
    expect(changed?.type === 'alerts-changed' && changed.alerts.map((a) => a.kind)).not.toContain('unconfirmed-recovery-key');
  });

  it('in a one-shot process that has not listed the share (the CLI): closed as well', async () => {
    h = await configuredEngine();
    await h.engine.startBackup();
    await h.engine.whenIdle();
    expect((await h.engine.listAlerts()).map((a) => a.kind)).toContain('unconfirmed-recovery-key');
    await h.engine.close();

    const oneShot = createEngine({ configDir: h.configDir, version: 'test', frontDoor: 'cli', logger: createLogger({ level: 'silent' }) });
    await oneShot.checkRecoveryKey(pfx());
    expect((await oneShot.listAlerts()).map((a) => a.kind)).not.toContain('unconfirmed-recovery-key');
    await oneShot.close();
  });
});

describe('infra-backup alerts', () => {
  it('lists what the window shows: none, then the disabled-schedule alert with its remediation; --json for scripts', async () => {
    const temp = await makeTempDir();
    try {
      const config = join(temp.path, 'config');
      const share = join(temp.path, 'share');
      await mkdir(share);
      const cer = join(temp.path, 'backup.cer');
      await writeFile(cer, testCertificate().cerDer);
      expect((await cli(['--config-dir', config, 'config', 'set', '--path', share, '--cert', cer])).code).toBe(0);

      const none = await cli(['--config-dir', config, 'alerts']);
      expect(none).toMatchObject({ code: 0, out: 'No active alerts.\n' });

      expect((await cli(['--config-dir', config, 'schedule', 'disable'])).code).toBe(0);
      const human = await cli(['--config-dir', config, 'alerts']);
      expect(human.code).toBe(0);
      expect(human.out).toMatch(/^\[informational\] Automatic backups are disabled since /);
      expect(human.out).toMatch(/what to do: Select Enable Automatic Backups/);
      const json = await cli(['--json', '--config-dir', config, 'alerts']);
      expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ kind: 'automatic-backups-disabled', severity: 'informational' })]);
    } finally {
      await temp.remove();
    }
  });
});

describe('a process that does not know a fact leaves its alert as it is', () => {
  it('retention-delete-failed raised by the running console survives a one-shot command that runs no retention pass', async () => {
    h = await configuredEngine();
    await h.engine.startBackup();
    await h.engine.whenIdle();
    // A dead job's .partial that cannot be deleted.
    await mkdir(join(h.shareDir, 'MASBackup', '20260101T000000Z-dead00.partial'));
    h.faults.deleteTree = () => new Error('NT_STATUS_SHARING_VIOLATION');
    await h.engine.startAutomation();
    await h.clock.advance(30 * 60_000);
    expect((await h.engine.listAlerts()).map((a) => a.kind)).toContain('retention-delete-failed');
    delete h.faults.deleteTree;
    await h.engine.close();

    const oneShot = createEngine({ configDir: h.configDir, version: 'test', frontDoor: 'cli', logger: createLogger({ level: 'silent' }) });
    await oneShot.setAutomaticBackups({ enabled: false });
    await oneShot.close();
    const after = createEngine({ configDir: h.configDir, version: 'test', frontDoor: 'cli', logger: createLogger({ level: 'silent' }) });
    expect((await after.listAlerts()).map((a) => a.kind)).toEqual(
      expect.arrayContaining(['automatic-backups-disabled', 'retention-delete-failed']),
    );
    await after.close();
  });
});
