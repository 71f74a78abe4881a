import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { syslog } from '../../../main/engine/notify';
import { COALESCE_MS } from '../../../main/engine/notify/notification-service';
import { testCertificate } from '../../support/backup-fixtures';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';
import { bindSyslogSocket, type SyslogSocket } from '../../support/syslog-socket';

/** The system log through `logger`, read from a syslog socket the test binds: on by default, no setup. */
describe('alerts reach syslog', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let socket: SyslogSocket;
  let clock: FakeClock;
  let engine: Engine;

  beforeAll(async () => {
    temp = await makeTempDir();
    socket = await bindSyslogSocket(join(temp.path, 'log'));
    clock = new FakeClock(new Date());
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
      clock,
      systemLog: syslog(socket.path),
    });
    clock.settle = () => engine.whenIdle();
    await mkdir(join(temp.path, 'share'));
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.whenIdle();
  });
  afterAll(async () => {
    await engine?.close();
    socket?.close();
    await temp?.remove();
  });

  it('writes a raise and a close as syslog lines with the event id, priority and tag', async () => {
    expect((await engine.getNotifications()).systemLog).toEqual({ enabled: true, target: 'syslog' });
    await engine.setAutomaticBackups({ enabled: false });
    await engine.whenIdle();
    expect((await engine.getNotifications()).status['system-log'].state).toBe('delivered');
    const raised = await socket.next();
    // <14>: facility user (1) × 8 + severity informational (6).
    expect(raised).toMatch(
      /^<14>.*infra-backup\[\d+\]: IBC1006: Alert raised \[informational\] automatic-backups-disabled: Automatic backups are disabled/,
    );
    expect(raised).toContain('What to do: Select Enable Automatic Backups');

    await clock.advance(COALESCE_MS);
    await engine.setAutomaticBackups({ enabled: true });
    await engine.whenIdle();
    expect(await socket.next()).toMatch(/^<14>.*infra-backup\[\d+\]: IBC2006: Alert closed automatic-backups-disabled/);
    expect((await engine.getNotifications()).status['system-log']).toMatchObject({ state: 'delivered' });
  });

  it('Send test writes event 3000', async () => {
    const [result] = await engine.testNotifications({ channel: 'system-log' });
    expect(result).toEqual({ channel: 'system-log', ok: true, message: 'Written to syslog (event id 3000).' });
    expect(await socket.next()).toMatch(/^<14>.*IBC3000: Test message: notifications reach the system log\.$/);
  });

  it('takes alert text only on stdin: option-like text and a forged line stay inside one message', async () => {
    await syslog(socket.path).write([{ eventId: 1005, level: 'error', message: '--socket /etc/passwd\n<9>forged: line' }]);
    expect(await socket.next()).toMatch(/^<11>.*infra-backup\[\d+\]: IBC1005: --socket \/etc\/passwd <9>forged: line$/);
  });

  it('says when the station has no system log socket, without retrying', async () => {
    await expect(syslog(join(temp.path, 'absent')).write([{ eventId: 1, level: 'error', message: 'x' }])).rejects.toThrow(
      /no system log socket at .*absent/,
    );
  });
});
