import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';
import { makeTestPki, type TestPki } from '../../support/stamp-mock/test-pki';
import { startWebhookReceiver } from '../../support/https-receiver';

const SECRET = 'cli-webhook-signing-secret-0042';

/** `notify …` as an operator runs it: the secret on stdin, a real HTTPS receiver, the status afterwards. */
describe('notify commands', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let pki: TestPki;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let configDir: string;
  const run = (args: string[], stdin = '') => cli(['--config-dir', configDir, ...args], stdin);

  beforeAll(async () => {
    temp = await makeTempDir();
    configDir = join(temp.path, 'config');
    pki = makeTestPki();
    receiver = await startWebhookReceiver(pki, SECRET, () => Math.floor(Date.now() / 1000));
    await writeFile(join(temp.path, 'root-ca.pem'), pki.caPem);
  });
  afterAll(async () => {
    await receiver?.close();
    await temp?.remove();
  });

  it('sets the webhook with the secret from stdin, sends a signed test, and shows the last delivery', async () => {
    const first = await run(['notify', 'webhook', 'set', '--url', receiver.url]);
    expect(first.code).toBe(2);
    expect(first.err).toContain('The webhook signing secret is required the first time.');

    const set = await run(
      ['notify', 'webhook', 'set', '--url', receiver.url, '--secret-stdin', '--ca-file', join(temp.path, 'root-ca.pem')],
      `${SECRET}\n`,
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain(`webhook:    on — ${receiver.url}`);
    expect(set.out).toContain('signing secret: set, added root CA');
    expect((await run(['notify', 'system-log', 'off'])).code).toBe(0);

    const test = await run(['notify', 'test']);
    expect(test.code, test.err).toBe(0);
    expect(test.out).toBe(`webhook: OK — Delivered to ${new URL(receiver.url).origin} (the receiver answered 2xx).\n`);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]!.verified).toBe(true);

    const show = await run(['--json', 'notify', 'show']);
    const view = JSON.parse(show.out) as {
      webhook: { secretSet: boolean };
      status: { webhook: { state: string } };
      systemLog: { enabled: boolean };
    };
    expect(view).toMatchObject({
      webhook: { secretSet: true },
      status: { webhook: { state: 'delivered' } },
      systemLog: { enabled: false },
    });

    // Changing one option keeps the others, the secret included.
    expect((await run(['notify', 'webhook', 'set', '--digest', '07:30'])).out).toContain('sends:         daily digest at 07:30');
    expect((await run(['notify', 'test', '--channel', 'webhook'])).code).toBe(0);
    expect(receiver.deliveries[1]!.verified).toBe(true);

    // The secret is nowhere in the config folder in clear: not in the settings, the status or the log.
    for (const name of await readdir(configDir)) {
      const text = await readFile(join(configDir, name), 'utf8').catch(() => '');
      expect(text, name).not.toContain(SECRET);
    }
  });

  it('exits 4 and says why when the test does not get through', async () => {
    receiver.statuses.push(500);
    const test = await run(['notify', 'test', '--channel', 'webhook']);
    expect(test.code).toBe(4);
    expect(test.out).toBe('webhook: FAILED — The webhook receiver answered HTTP 500 Internal Server Error.\n');
    expect(test.err).toContain('The test message did not get through on: webhook.');
    expect((await run(['notify', 'show'])).out).toMatch(
      /last delivery: failed.*\n {2}last error: {4}The webhook receiver answered HTTP 500/,
    );
  });
});
