import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
