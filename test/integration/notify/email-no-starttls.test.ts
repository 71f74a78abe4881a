import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/engine/app/logger';
import { NotificationService } from '../../../main/engine/notify/notification-service';
import { KeyFileSecretStore } from '../../../main/engine/secrets';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';
import { makeTestPki } from '../../support/stamp-mock/test-pki';
import { startSmtpServer, type SmtpServer } from '../../support/smtp';

/** STARTTLS is required, not opportunistic: a server that does not offer it never receives the password or a message. */
describe('email to a server without STARTTLS', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let smtp: SmtpServer;
  let service: NotificationService;

  beforeAll(async () => {
    temp = await makeTempDir();
    smtp = await startSmtpServer(makeTestPki(), { starttls: false });
    service = new NotificationService({
      configDir: join(temp.path, 'config'),
      clock: new FakeClock(new Date()),
      logger: createLogger({ level: 'silent' }),
      secrets: new KeyFileSecretStore(temp.path),
      identity: { productName: 'Infrastructure Backup Console', version: 'test', station: 'station01' },
      systemLog: { target: 'syslog', write: async () => undefined },
    });
  });
  afterAll(async () => {
    await service?.close();
    await smtp?.close();
    await temp?.remove();
  });

  it('fails the attempt instead of sending in clear', async () => {
    await service.setEmail({
      enabled: true,
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      username: smtp.username,
      password: smtp.password,
      from: 'backup-console@contoso.com',
      to: ['backup-team@contoso.com'],
      mode: 'immediate',
      digestAt: '08:00',
    });
    const [result] = await service.test({ channel: 'email' });
    expect(result).toMatchObject({ channel: 'email', ok: false });
    expect(result!.message).toMatch(/STARTTLS/i);
    expect(await smtp.messages()).toEqual([]);
  });
});
