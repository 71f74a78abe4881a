import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertCenter } from '../../../main/engine/alerts/alert-center';
import { ALERTS_FILE_NAME, alertFileStore } from '../../../main/engine/alerts/alert-file';
import { makeTempDir } from '../../support/temp-dir';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('ibc-alerts-');
});
afterEach(() => dir.remove());

const facts = {
  now: new Date('2026-05-01T00:00:00.000Z'),
  configured: true,
  lastRun: { state: 'Failed' as const, finishedAt: '2026-05-01T00:00:00.000Z', category: 'path' as const },
  lastSuccessAt: '2026-04-30T20:00:00.000Z',
  schedule: { enabled: true, disabledSince: null, frequencyHours: 12, anchor: '2026-04-01T00:00:00.000Z' },
  retentionDays: 7,
  encryptionMode: 'certificate' as const,
};

describe('alert state file', () => {
  it('keeps active alerts across restarts and drops malformed entries', async () => {
    await new AlertCenter({ store: alertFileStore(dir.path) }).update(facts);
    const reopened = await new AlertCenter({ store: alertFileStore(dir.path) }).list();
    expect(reopened.map((a) => a.kind)).toEqual(['path']);

    await writeFile(join(dir.path, ALERTS_FILE_NAME), JSON.stringify({ active: [{ id: 'x', kind: 'made-up' }, reopened[0]] }));
    expect((await new AlertCenter({ store: alertFileStore(dir.path) }).list()).map((a) => a.kind)).toEqual(['path']);
  });
});

describe('alert state file shared by two processes of one station', () => {
  it('an alert another process raised (and notified) is not raised or notified again, nor closed twice', async () => {
    const running: string[] = [];
    const oneShot: string[] = [];
    const transitions: string[] = [];
    const shown: string[][] = [];
    // A running console that read the (empty) alerts before the other process's run ended.
    const runningCenter = new AlertCenter({
      store: alertFileStore(dir.path),
      notifier: { notify: (a) => void running.push(a.kind) },
      onTransitions: (raised, closed) => transitions.push(...raised.map((a) => `+${a.kind}`), ...closed.map((a) => `-${a.kind}`)),
      onChange: (alerts) => shown.push(alerts.map((a) => a.kind)),
    });
    expect(await runningCenter.list()).toEqual([]);
    // A one-shot CLI backup failed and raised the path alert, as its own process.
    await new AlertCenter({ store: alertFileStore(dir.path), notifier: { notify: (a) => void oneShot.push(a.kind) } }).update(facts);
    expect(oneShot).toEqual(['path']);

    // The running console, told of that run, evaluates the same facts: the alert is there already.
    expect((await runningCenter.update(facts)).raised).toEqual([]);
    expect((await runningCenter.list()).map((a) => a.kind)).toEqual(['path']);
    // The next CLI run succeeds and closes it; the running console does not close it a second time.
    const succeeded = { ...facts, lastRun: { state: 'Succeeded' as const, finishedAt: '2026-05-01T01:00:00.000Z' } };
    await new AlertCenter({ store: alertFileStore(dir.path) }).update(succeeded);
    expect((await runningCenter.update(succeeded)).closed).toEqual([]);
    expect(running).toEqual([]);
    expect(transitions).toEqual([]);
    // What it shows followed both changes (its window hears alerts-changed).
    expect(shown).toEqual([['path'], []]);
  });

  it('a process that starts after another raised an alert shows it at its first update, without raising or notifying it again', async () => {
    await new AlertCenter({ store: alertFileStore(dir.path) }).update(facts);
    const shown: string[][] = [];
    const notified: string[] = [];
    const started = new AlertCenter({
      store: alertFileStore(dir.path),
      notifier: { notify: (a) => void notified.push(a.kind) },
      onChange: (alerts) => shown.push(alerts.map((a) => a.kind)),
    });
    expect((await started.update(facts)).raised).toEqual([]);
    // A service's log says "alerts: …" once, at its first look; its window hears alerts-changed.
    expect(shown).toEqual([['path']]);
    expect(notified).toEqual([]);
  });

  it('two processes deciding at once raise and notify the alert once (alerts.json is locked from read to write)', async () => {
    const notified: string[] = [];
    const centers = ['a', 'b'].map(
      (name) => new AlertCenter({ store: alertFileStore(dir.path), notifier: { notify: (a) => void notified.push(`${name}:${a.kind}`) } }),
    );
    for (const center of centers) expect(await center.list()).toEqual([]);
    await Promise.all(centers.map((center) => center.update(facts)));
    expect(notified).toHaveLength(1);
    for (const center of centers) expect((await center.list()).map((a) => a.kind)).toEqual(['path']);
  });
});

describe('alert state file read before each update', () => {
  it('an update that changes nothing neither writes the file nor tells of a change', async () => {
    const store = alertFileStore(dir.path);
    let saves = 0;
    let changes = 0;
    const center = new AlertCenter({
      store: { ...store, save: (state) => (saves++, store.save(state)) },
      onChange: () => changes++,
    });
    await center.update(facts);
    await center.update(facts);
    await center.update({ ...facts, now: new Date('2026-05-01T00:05:00.000Z') });
    expect({ saves, changes }).toEqual({ saves: 1, changes: 1 });
  });
});
