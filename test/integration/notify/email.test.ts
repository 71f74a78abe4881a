import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { dispatch } from '../../../main/engine/dispatch';
import type { ApiInput, ApiMethod, ApiOutput } from '../../../preload/api';
import { createLogger } from '../../../main/engine/app/logger';
import type { SystemLog } from '../../../main/engine/notify';
import { COALESCE_MS } from '../../../main/engine/notify/notification-service';
import { testCertificate } from '../../support/backup-fixtures';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';
import { makeTestPki, type TestPki } from '../../support/stamp-mock/test-pki';
import { startSmtpServer, type SmtpServer } from '../../support/smtp';

const quietLog: SystemLog = { target: 'syslog', write: async () => undefined };

/**
 * Email against a real SMTP server (aiosmtpd: STARTTLS with the test PKI's
 * certificate, AUTH required): a real alert — automatic backups disabled —
 * is raised and closed through the engine's own path, and the server
 * receives one message for each.
 */
describe('email notifications reach a real SMTP server', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let pki: TestPki;
  let smtp: SmtpServer;
  let clock: FakeClock;
  let engine: Engine;
  const logLines: string[] = [];

  beforeAll(async () => {
    temp = await makeTempDir();
    pki = makeTestPki();
    smtp = await startSmtpServer(pki);
    clock = new FakeClock(new Date());
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
      clock,
      systemLog: quietLog,
    });
    clock.settle = () => engine.whenIdle();
    await mkdir(join(temp.path, 'share'));
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.whenIdle();
  });
  afterAll(async () => {
    await engine?.close();
    await smtp?.close();
    await temp?.remove();
  });

  /** As every front door calls: through the input schema (its defaults apply). */
  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const result = await dispatch(engine, method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value;
  }

  const email = (password: string) => ({
    enabled: true,
    host: '127.0.0.1',
    port: smtp.port,
    security: 'starttls' as const,
    username: smtp.username,
    password,
    from: 'backup-console@contoso.com',
    to: ['backup-team@contoso.com', 'oncall@contoso.com'],
    caPem: pki.caPem,
  });

  it('sends the raise and the close of a real alert over STARTTLS with AUTH', async () => {
    const view = await call('setEmailNotifications', email(smtp.password));
    expect(view.email).toMatchObject({ passwordSet: true, host: '127.0.0.1', caPemSet: true });
    expect(JSON.stringify(view)).not.toContain(smtp.password);
    const before = (await smtp.messages()).length;

    await engine.setAutomaticBackups({ enabled: false });
    await engine.whenIdle();
    await engine.setAutomaticBackups({ enabled: true });
    await engine.whenIdle();
    // The close came within a minute of the raise: it waits for the minute to end.
    expect((await smtp.messages()).length).toBe(before + 1);
    expect((await engine.getNotifications()).status.email.pending).toBe(1);
    await clock.advance(COALESCE_MS);
    await engine.whenIdle();

    const mails = (await smtp.messages()).slice(before);
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail).toMatchObject({ tls: true, authenticated: true, mailFrom: 'backup-console@contoso.com' });
      expect(mail.rcptTos).toEqual(['backup-team@contoso.com', 'oncall@contoso.com']);
    }
    expect(mails[0]!.subject).toMatch(/Raised \[informational\]: Automatic backups are disabled/);
    expect(mails[0]!.body).toContain('what to do: Select Enable Automatic Backups');
    expect(mails[0]!.body).toContain('event id:   1006');
    expect(mails[1]!.subject).toMatch(/Closed: Automatic backups are disabled/);
    expect(mails[1]!.body).toContain('event id:   2006');
    expect((await engine.getNotifications()).status.email).toMatchObject({ state: 'delivered', pending: 0, lastError: null });
  });

  it('Send test: a wrong password fails with the server’s reason, never the password, and the status says so', async () => {
    const wrong = 'not-the-smtp-password-42';
    await call('setEmailNotifications', email(wrong));
    const [result] = await call('testNotifications', { channel: 'email' });
    expect(result).toMatchObject({ channel: 'email', ok: false });
    expect(result!.message).toMatch(/535|auth/i);
    const status = (await engine.getNotifications()).status.email;
    expect(status).toMatchObject({ state: 'failed' });
    expect(JSON.stringify(status) + logLines.join('')).not.toContain(wrong);

    await call('setEmailNotifications', email(smtp.password));
    const before = (await smtp.messages()).length;
    expect(await call('testNotifications', { channel: 'email' })).toEqual([
      { channel: 'email', ok: true, message: 'Sent to backup-team@contoso.com, oncall@contoso.com through 127.0.0.1.' },
    ]);
    const [mail] = (await smtp.messages()).slice(before);
    expect(mail!.subject).toMatch(/Test message$/);
    expect(mail!.headers['X-Ibc-Message-Type']).toBe('test');
  });

  it('refuses a server certificate the station does not trust', async () => {
    await call('setEmailNotifications', { ...email(smtp.password), caPem: pki.otherCaPem });
    const [result] = await call('testNotifications', { channel: 'email' });
    expect(result).toMatchObject({ ok: false });
    expect(result!.message).toMatch(/certificate/i);
  });
});
