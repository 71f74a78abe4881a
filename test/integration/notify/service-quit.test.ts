import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { testCertificate } from '../../support/backup-fixtures';
import { startWebhookReceiver } from '../../support/https-receiver';
import { makeTestPki, type TestPki } from '../../support/stamp-mock/test-pki';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT } from '../../support/web-console';

const SECRET = 'service-quit-webhook-secret-0042';

/** `infra-backup service` as a service manager starts it (standard input /dev/null), built. */
function startService(configDir: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BUILT_CLI, '--config-dir', configDir, 'service'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Polls a condition of another process's making (a receiver's request), with a generous bound against a hang. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A notification waiting for its next attempt (the receiver answered 503 at
 * first; the retry is a minute away) when the service is told to stop: it
 * goes out at shutdown, or, if it cannot, at the next start — once.
 */
describe('service: notifications waiting when SIGTERM arrives reach a real HTTPS receiver', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let pki: TestPki;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** The service's clock may run ahead (IBC_TEST_CLOCK_OFFSET_MS): the receiver checks signatures' times against the same. */
  let serviceClockOffsetMs = 0;

  beforeAll(async () => {
    temp = await makeTempDir();
    pki = makeTestPki();
    receiver = await startWebhookReceiver(pki, SECRET, () => Math.floor((Date.now() + serviceClockOffsetMs) / 1000));
    await writeFile(join(temp.path, 'root-ca.pem'), pki.caPem);
    await writeFile(join(temp.path, 'backup.cer'), testCertificate().cerDer);
  });
  afterAll(async () => {
    await receiver?.close();
    await temp?.remove();
  });

  /** A console whose service raises "automatic backups are disabled" as it starts: the one change it notifies. */
  async function consoleWithAnAlertAtStart(name: string): Promise<string> {
    const config = join(temp.path, name);
    const run = (args: string[], stdin = '') => cli(['--config-dir', config, ...args], stdin);
    await mkdir(join(temp.path, `${name}-share`));
    expect((await run(['config', 'set', '--path', join(temp.path, `${name}-share`), '--cert', join(temp.path, 'backup.cer')])).code).toBe(
      0,
    );
    expect((await run(['schedule', 'disable'])).code).toBe(0);
    // The alert is new to the service (as after an upgrade): it raises it when it starts.
    await rm(join(config, 'alerts.json'), { force: true });
    expect((await run(['notify', 'system-log', 'off'])).code).toBe(0);
    const set = await run(
      ['notify', 'webhook', 'set', '--url', receiver.url, '--secret-stdin', '--ca-file', join(temp.path, 'root-ca.pem')],
      `${SECRET}\n`,
    );
    expect(set.code, set.err).toBe(0);
    return config;
  }

  it('changes still in their minute go out at shutdown', async () => {
    const config = join(temp.path, 'coalescing');
    const run = (args: string[], stdin = '') => cli(['--config-dir', config, ...args], stdin);
    await mkdir(join(temp.path, 'coalescing-share'));
    expect(
      (await run(['config', 'set', '--path', join(temp.path, 'coalescing-share'), '--cert', join(temp.path, 'backup.cer')])).code,
    ).toBe(0);
    expect((await run(['config', 'set', '--frequency', '4'])).code).toBe(0);
    // The backup fails only once the test opens the gate: after the first change was delivered.
    const gate = join(temp.path, 'coalescing-gate');
    const waitsThenFails = `while [ ! -e '${gate}' ]; do sleep 0.1; done; exit 3`;
    expect((await run(['sources', 'add', 'broken', '--command', waitsThenFails])).code).toBe(0);
    // An alert left active that no longer holds: the service closes it as it starts — the first change, sent at once.
    expect((await run(['schedule', 'disable'])).code).toBe(0);
    const stale = await readFile(join(config, 'alerts.json'), 'utf8');
    expect(stale).toContain('automatic-backups-disabled');
    expect((await run(['schedule', 'enable'])).code).toBe(0);
    await writeFile(join(config, 'alerts.json'), stale);
    expect((await run(['notify', 'system-log', 'off'])).code).toBe(0);
    const set = await run(
      ['notify', 'webhook', 'set', '--url', receiver.url, '--secret-stdin', '--ca-file', join(temp.path, 'root-ca.pem')],
      `${SECRET}\n`,
    );
    expect(set.code, set.err).toBe(0);
    const { nextBackupTime } = JSON.parse((await run(['--json', 'config', 'show'])).out) as { nextBackupTime: string };
    // The service's clock runs 5 s before its first slot; that backup fails when the gate opens: the second change, within the minute.
    serviceClockOffsetMs = Date.parse(nextBackupTime) - Date.now() - 5_000;
    receiver.deliveries.length = 0;
    receiver.statuses.length = 0;
    const service = startService(config, { IBC_TEST_CLOCK_OFFSET_MS: String(serviceClockOffsetMs) });
    try {
      await waitFor(() => receiver.deliveries.length === 1, 'the first change');
      await writeFile(gate, '');
      await waitFor(() => /alerts: .*failed/i.test(service.output()), 'the failed backup to raise its alert');
      expect(receiver.deliveries).toHaveLength(1);
      service.child.kill('SIGTERM');
      expect(await exited(service.child), service.output()).toBe(0);
    } finally {
      serviceClockOffsetMs = 0;
    }
    expect(receiver.deliveries).toHaveLength(2);
    const [closed, raised] = receiver.deliveries.map((delivery) => JSON.parse(delivery.rawBody) as { events: unknown[] });
    expect(closed!.events).toEqual([
      expect.objectContaining({ transition: 'closed', alert: expect.objectContaining({ kind: 'automatic-backups-disabled' }) }),
    ]);
    // The failed backup's alert (and any other its run raised), together in one message.
    expect(raised!.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ transition: 'raised', alert: expect.objectContaining({ severity: 'critical' }) })]),
    );
    expect(receiver.deliveries.every((delivery) => delivery.verified)).toBe(true);
    expect(await outbox(config)).toEqual([]);
  });

  const outbox = async (config: string): Promise<unknown[]> =>
    (JSON.parse(await readFile(join(config, 'notify-state.json'), 'utf8')) as { outbox: unknown[] }).outbox;

  it('a retry still waiting goes out at shutdown, the same message', async () => {
    const config = await consoleWithAnAlertAtStart('at-shutdown');
    receiver.deliveries.length = 0;
    receiver.statuses.splice(0, Infinity, 503);
    const service = startService(config);
    await waitFor(() => receiver.deliveries.length === 1, 'the first attempt');
    service.child.kill('SIGTERM');
    expect(await exited(service.child), service.output()).toBe(0);
    expect(receiver.deliveries).toHaveLength(2);
    const [first, second] = receiver.deliveries;
    expect(second!.verified).toBe(true);
    expect(second!.headers['x-ibc-delivery']).toBe(first!.headers['x-ibc-delivery']);
    expect(JSON.parse(second!.rawBody)).toMatchObject({ type: 'alerts', events: [expect.objectContaining({ transition: 'raised' })] });
    expect(await outbox(config)).toEqual([]);
  });

  it('what cannot be sent at shutdown is sent when the service starts again, and only then', async () => {
    const config = await consoleWithAnAlertAtStart('next-start');
    receiver.deliveries.length = 0;
    receiver.statuses.splice(0, Infinity, 503, 503);
    const first = startService(config);
    await waitFor(() => receiver.deliveries.length === 1, 'the first attempt');
    first.child.kill('SIGTERM');
    expect(await exited(first.child), first.output()).toBe(0);
    expect(receiver.deliveries).toHaveLength(2);
    expect(await outbox(config)).toEqual([expect.objectContaining({ channel: 'webhook', owner: first.child.pid, attempt: 3 })]);

    const second = startService(config);
    await waitFor(() => receiver.deliveries.length === 3, 'the delivery at the next start');
    await waitFor(() => /service started/.test(second.output()), 'the service to start');
    second.child.kill('SIGTERM');
    expect(await exited(second.child), second.output()).toBe(0);
    const ids = receiver.deliveries.map((delivery) => delivery.headers['x-ibc-delivery']);
    expect(new Set(ids).size).toBe(1);
    expect(receiver.deliveries).toHaveLength(3);
    expect(receiver.deliveries[2]!.verified).toBe(true);
    expect(await outbox(config)).toEqual([]);
  });
});
