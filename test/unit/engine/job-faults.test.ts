import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent, ShareFailureCategory } from '../../../preload/api';
import { SHARE_FAILURE_CATEGORIES } from '../../../preload/api';
import type { FileShare } from '../../../main/engine/share/file-share';
import { FaultyShare, type ScriptedFault } from '../../../main/engine/share/wrappers/faulty-share';
import { ShareWrapper, type ShareCall, type ShareMethod } from '../../../main/engine/share/wrappers/share-wrapper';
import { configuredEngine, type EngineHarness } from './engine-harness';

/** Every step of a job that touches the share, as the driver sees it. */
const STEPS: ReadonlyArray<{ step: string; method: ShareMethod; path: RegExp; carriesJobSignal: boolean }> = [
  { step: 'the MASBackup folder', method: 'mkdirp', path: /^MASBackup$/, carriesJobSignal: true },
  { step: 'taking the lock', method: 'writeStream', path: /^MASBackup\/\.lock$/, carriesJobSignal: false },
  { step: "looking for dead jobs' .partial folders", method: 'list', path: /^MASBackup$/, carriesJobSignal: true },
  { step: 'the .partial folder', method: 'mkdirp', path: /\.partial$/, carriesJobSignal: true },
  { step: 'the first component', method: 'writeStream', path: /\.partial\/files\.bin$/, carriesJobSignal: true },
  { step: 'the second component', method: 'writeStream', path: /\.partial\/more\.bin$/, carriesJobSignal: true },
  { step: 'the manifest', method: 'writeStream', path: /\.partial\/manifest\.json$/, carriesJobSignal: true },
  { step: 'publishing (the rename)', method: 'rename', path: /\.partial$/, carriesJobSignal: true },
];

type JobFinished = Extract<ApiEvent, { type: 'job-finished' }>;

/** Tells the test when a matching call arrives, and holds it until `release` (or its signal aborts). */
class Checkpoint extends ShareWrapper {
  constructor(
    inner: FileShare,
    private readonly at: { method: ShareMethod; path: RegExp },
    private readonly gate: { reached: () => void; release: Promise<void> },
  ) {
    super(inner);
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (call.method === this.at.method && this.at.path.test(call.path ?? '')) {
      this.gate.reached();
      await this.gate.release;
    }
    return proceed();
  }
}

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

/** A configured engine with two folder components; the next driver it opens (the job's) is wrapped by `wrap`. */
async function engineWith(wrap: (share: FileShare) => FileShare): Promise<EngineHarness> {
  const harness = await configuredEngine();
  const more = join(harness.shareDir, '..', 'more');
  await mkdir(more, { recursive: true });
  await writeFile(join(more, 'more.json'), JSON.stringify({ more: true }));
  await harness.engine.addSource({ name: 'more', folder: more });
  await harness.engine.whenIdle();
  harness.wrapNextShare(wrap);
  return harness;
}

async function runJob(harness: EngineHarness): Promise<JobFinished> {
  await harness.engine.startBackup();
  await harness.engine.whenIdle();
  const finished = harness.events.filter((e): e is JobFinished => e.type === 'job-finished');
  expect(finished).toHaveLength(1);
  return finished[0]!;
}

/** What a failed or cancelled job may leave on the share: nothing but the MASBackup folder. */
async function leftOnShare(harness: EngineHarness): Promise<string[]> {
  return readdir(join(harness.shareDir, 'MASBackup')).catch(() => []);
}

describe('a backup job fails cleanly, with the share failure category, at every step', () => {
  for (const { step, method, path } of STEPS) {
    for (const category of SHARE_FAILURE_CATEGORIES) {
      it(`${step}: ${category}`, async () => {
        const faulty: FaultyShare[] = [];
        const fault: ScriptedFault = { method, path, fault: category };
        h = await engineWith((share) => {
          const wrapped = new FaultyShare(share).script(fault);
          faulty.push(wrapped);
          return wrapped;
        });
        const finished = await runJob(h);

        expect(faulty).toHaveLength(1);
        faulty[0]!.assertAllFired();
        expect(finished.backup?.state).toBe('Failed');
        expect(finished.error).toMatchObject({ code: 'share', category });
        expect(await leftOnShare(h)).toEqual([]);
        const [run] = await h.engine.getTimeline({ kinds: ['run-finished'] });
        expect(run).toMatchObject({ state: 'Failed', category });
        // Data had reached the share only when the second component failed: a lost connection (or a general
        // fault) then is "failed during file copy", told in place of the category's alert.
        const midCopy = step === 'the second component';
        expect(finished.failedDuringCopy === true).toBe(midCopy);
        const copyAlert = midCopy && (category === 'connectivity' || category === 'general');
        expect((await h.engine.listAlerts()).map((a) => a.kind)).toContain(copyAlert ? 'backup-copy-failed' : category);
      });
    }
  }
});

describe('a backup job can be cancelled at every step', () => {
  for (const { step, method, path, carriesJobSignal } of STEPS) {
    it(`${step}${carriesJobSignal ? ' (the hung call is interrupted)' : ' (takes effect once the call returns)'}`, async () => {
      let reached = (): void => undefined;
      const arrived = new Promise<void>((resolve) => (reached = resolve));
      let release = (): void => undefined;
      const gate = { reached: () => reached(), release: new Promise<void>((resolve) => (release = resolve)) };
      const faulty: FaultyShare[] = [];
      h = await engineWith((share) => {
        // Calls that carry the job's signal hang in the driver until aborted; the lock's do not, so they are held and then let through.
        const below = carriesJobSignal ? new FaultyShare(share).script({ method, path, fault: 'hang' }) : share;
        if (below instanceof FaultyShare) faulty.push(below);
        return new Checkpoint(below, { method, path }, carriesJobSignal ? { reached: gate.reached, release: Promise.resolve() } : gate);
      });
      const job = await h.engine.startBackup();
      await arrived;
      const cancelled = h.engine.cancelBackup();
      release();
      await cancelled;
      await h.engine.whenIdle();

      for (const share of faulty) share.assertAllFired();
      const finished = h.events.find((e): e is JobFinished => e.type === 'job-finished');
      expect(finished).toMatchObject({ jobId: job.jobId, backup: { state: 'Cancelled' }, error: { code: 'cancelled' } });
      expect(await leftOnShare(h)).toEqual([]);
      expect((await h.engine.listAlerts()).map((a) => a.kind).filter((kind) => isFailureKind(kind))).toEqual([]);
    });
  }
});

describe('a backup job that loses the share lock', () => {
  it('to another console mid-job does not publish, fails saying why, and leaves the other console its lock', async () => {
    let reached = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    let release = (): void => undefined;
    const gate = { reached: () => reached(), release: new Promise<void>((resolve) => (release = resolve)) };
    h = await engineWith((share) => new Checkpoint(share, { method: 'writeStream', path: /\.partial\/more\.bin$/ }, gate));
    await h.engine.startBackup();
    await arrived;
    // Meanwhile another console took the lock over (say our heartbeats had stopped reaching the share).
    const lockFile = join(h.shareDir, 'MASBackup', '.lock');
    const theirs = {
      lockId: 'other-console',
      owner: 'station-b:4242',
      jobId: 'j2',
      backupId: '20260501T000000Z-0ther0',
      acquiredAt: h.clock.now().toISOString(),
    };
    await writeFile(lockFile, JSON.stringify(theirs));
    release();
    await h.engine.whenIdle();

    const finished = h.events.find((e): e is JobFinished => e.type === 'job-finished');
    expect(finished?.backup?.state).toBe('Failed');
    expect(finished?.error).toMatchObject({ category: 'general', message: expect.stringContaining('another console took over') });
    expect(await h.engine.listBackups()).toEqual([]);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toEqual(theirs);
    expect((await leftOnShare(h)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

function isFailureKind(kind: string): kind is ShareFailureCategory {
  return (SHARE_FAILURE_CATEGORIES as readonly string[]).includes(kind);
}
