import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from '../../../main/engine/app/events';
import { createLogger } from '../../../main/engine/app/logger';
import { HistoryStore, historyFileIn } from '../../../main/engine/history/history-store';
import { RUN_INTERRUPTED_REASON, runStartedEvent } from '../../../main/engine/history/run-events';
import { RunLog } from '../../../main/engine/history/run-log';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

let dir: { path: string; remove: () => Promise<void> };
let clock: FakeClock;
beforeEach(async () => {
  dir = await makeTempDir('ibc-runlog-');
  clock = new FakeClock('2026-03-01T00:00:00.000Z');
});
afterEach(() => dir.remove());

const history = (): HistoryStore => new HistoryStore({ file: historyFileIn(dir.path), clock });
const runLog = (store: HistoryStore): RunLog =>
  new RunLog({ history: store, events: new EventHub(), clock, logger: createLogger({ level: 'silent' }) });

/** A pid that existed and is gone now: a child that ran and exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 0;
}

describe('RunLog after its process died mid-job', () => {
  it('ends a run whose process is gone from this station as Failed, once, and makes it the last attempt', async () => {
    const store = history();
    const started = '2026-03-01T00:00:00.000Z';
    await store.append(
      runStartedEvent({ backupId: '20260301T000000Z-aaaaaa', trigger: 'scheduled', at: started, owner: `${hostname()}:${deadPid()}` }),
    );
    await clock.advance(90_000);

    const log = runLog(history());
    const attempt = await log.attempt();
    expect(attempt).toMatchObject({ backupId: '20260301T000000Z-aaaaaa', state: 'Failed', reason: RUN_INTERRUPTED_REASON });
    const ends = await history().query({ kinds: ['run-finished'] });
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ backupId: '20260301T000000Z-aaaaaa', state: 'Failed', durationSeconds: 90 });

    // The next process finds the run ended and records nothing more.
    await runLog(history()).attempt();
    expect(await history().query({ kinds: ['run-finished'] })).toHaveLength(1);
  });

  it('leaves alone a run of a live process, of another station, or written before runs named their process', async () => {
    const store = history();
    const at = clock.now().toISOString();
    await store.append(
      runStartedEvent({ backupId: '20260301T000000Z-bbbbbb', trigger: 'on-demand', at, owner: `${hostname()}:${process.pid}` }),
    );
    await store.append(
      runStartedEvent({ backupId: '20260301T000000Z-cccccc', trigger: 'on-demand', at, owner: `another-station:${deadPid()}` }),
    );
    await store.append({
      kind: 'run-started',
      at,
      backupId: '20260301T000000Z-dddddd',
      trigger: 'scheduled',
      state: 'Creating',
      summary: 'old',
    });

    expect(await runLog(history()).attempt()).toBeNull();
    expect(await history().query({ kinds: ['run-finished'] })).toEqual([]);
  });
});

describe('RunLog of a running console, while another process of the station runs a backup', () => {
  it("records the end of the other process's run as soon as that process is gone mid-job, once, announced as that process's", async () => {
    const hub = new EventHub();
    const published: string[] = [];
    hub.subscribe((event) => {
      if (event.type === 'timeline-appended')
        published.push(`${event.event.kind}:${event.event.state ?? ''}:${event.recordedElsewhere ? 'elsewhere' : 'own'}`);
    });
    const running = new HistoryStore({
      file: historyFileIn(dir.path),
      clock,
      onAppend: (event) => hub.publish({ type: 'timeline-appended', event }),
      onAppendedElsewhere: (event) => hub.publish({ type: 'timeline-appended', event, recordedElsewhere: true }),
    });
    const log = new RunLog({ history: running, events: hub, clock, logger: createLogger({ level: 'silent' }) });
    expect(await log.attempt()).toBeNull();

    // The other process: a live child, whose run this console learns of from the file.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await history().append(
        runStartedEvent({
          backupId: '20260301T000000Z-eeeeee',
          trigger: 'on-demand',
          at: clock.now().toISOString(),
          owner: `${hostname()}:${other.pid}`,
        }),
      );
      expect(await log.attempt()).toBeNull();
      // While it lives, looking at it changes nothing.
      await clock.advance(6_000);
      await clock.advance(6_000);
      expect(await history().query({ kinds: ['run-finished'] })).toEqual([]);
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }

    await clock.advance(6_000);
    await vi.waitFor(async () => expect(await log.attempt()).toMatchObject({ state: 'Failed', reason: RUN_INTERRUPTED_REASON }), {
      timeout: 10_000,
    });
    const ends = await history().query({ kinds: ['run-finished'] });
    expect(ends).toEqual([expect.objectContaining({ backupId: '20260301T000000Z-eeeeee', state: 'Failed' })]);
    // Announced as the other process's run (the window re-reads Essentials, maintenance re-lists and re-evaluates alerts), and once.
    expect(published).toEqual(['run-started:Creating:elsewhere', 'run-finished:Failed:elsewhere']);
    await clock.advance(6_000);
    expect(await history().query({ kinds: ['run-finished'] })).toHaveLength(1);
    log.close();
  });

  it('stops looking once the other process ends its run itself', async () => {
    const hub = new EventHub();
    const running = new HistoryStore({
      file: historyFileIn(dir.path),
      clock,
      onAppendedElsewhere: (event) => hub.publish({ type: 'timeline-appended', event, recordedElsewhere: true }),
    });
    const log = new RunLog({ history: running, events: hub, clock, logger: createLogger({ level: 'silent' }) });
    await log.attempt();
    const pid = deadPid();
    const other = history();
    await other.append(
      runStartedEvent({
        backupId: '20260301T000000Z-ffffff',
        trigger: 'on-demand',
        at: clock.now().toISOString(),
        owner: `${hostname()}:${pid}`,
      }),
    );
    await log.attempt();
    await other.append({
      kind: 'run-finished',
      at: clock.now().toISOString(),
      backupId: '20260301T000000Z-ffffff',
      trigger: 'on-demand',
      state: 'Succeeded',
      summary: 'done',
    });
    expect(await log.attempt()).toMatchObject({ state: 'Succeeded' });
    await clock.advance(6_000);
    await log.whenIdle();
    expect(await history().query({ kinds: ['run-finished'] })).toHaveLength(1);
    expect(await log.attempt()).toMatchObject({ state: 'Succeeded' });
    log.close();
  });
});
