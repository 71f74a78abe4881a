import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ApiEvent } from '../../../preload/api';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine, type Engine, type EngineDeps } from '../../../main/engine/service';
import type { FileShare } from '../../../main/engine/share/file-share';
import { openFileShare } from '../../../main/engine/share/open-share';
import { CountingShare } from '../../../main/engine/share/wrappers/counting-share';
import { SHARE_METHODS, ShareWrapper, type ShareCall, type ShareMethod } from '../../../main/engine/share/wrappers/share-wrapper';
import { testCertificate } from '../../support/backup-fixtures';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

/** Calls per FileShare method, over every driver the engine opened. */
export type ShareCalls = Record<ShareMethod, number>;

/** Failures to answer with instead of calling the driver, per method, while set (on every driver the engine opens). */
export type ShareFaults = Partial<Record<ShareMethod, () => Error>>;

/** While set, every call waits for it first: a server that does not answer, until it does. */
interface Hold {
  released: Promise<void> | null;
}

class SwitchableFaults extends ShareWrapper {
  constructor(
    inner: FileShare,
    private readonly faults: ShareFaults,
    private readonly hold: Hold,
  ) {
    super(inner);
  }

  protected async intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T> {
    if (this.hold.released) await this.hold.released;
    const fault = this.faults[call.method];
    return fault ? Promise.reject(fault()) : proceed();
  }
}

export interface EngineHarness {
  engine: Engine;
  clock: FakeClock;
  calls: ShareCalls;
  /** Set a method's entry to make every call of it fail (until deleted). */
  faults: ShareFaults;
  /** Every event the engine published, in order. */
  events: ApiEvent[];
  /** Debug log records the engine wrote (pino objects). */
  logs: Array<Record<string, unknown>>;
  shareDir: string;
  configDir: string;
  resetCounts(): void;
  /** From now on no share call is answered (every driver the engine opens) until the returned function is called. */
  holdShare(): () => void;
  /** Wraps the next driver the engine opens (e.g. a job's, in a FaultyShare), under the counting wrapper. */
  wrapNextShare(wrap: (share: FileShare) => FileShare): void;
  /** Retention passes logged so far, with what set each off. */
  retentionPasses(): string[];
  remove(): Promise<void>;
}

/**
 * A real engine over a local-folder share in a temp dir, a fake clock and a
 * counting share wrapper: what the engine does with the share, and when, is
 * observable without waiting. Configured with a certificate and a small
 * folder source, automatic backups every `frequencyHours`.
 */
export async function configuredEngine(
  options: {
    start?: string;
    frequencyHours?: number;
    extra?: Partial<EngineDeps>;
  } = {},
): Promise<EngineHarness> {
  const temp = await makeTempDir('ibc-engine-');
  const clock = new FakeClock(options.start ?? '2026-05-01T00:00:00.000Z');
  const opened: CountingShare[] = [];
  const calls = {} as ShareCalls;
  for (const method of SHARE_METHODS)
    Object.defineProperty(calls, method, { enumerable: true, get: () => opened.reduce((sum, share) => sum + share.count(method), 0) });
  const faults: ShareFaults = {};
  const hold: Hold = { released: null };
  let nextShareWrapper: ((share: FileShare) => FileShare) | null = null;
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write: (line: Buffer | string, _encoding, done) => {
        logs.push(JSON.parse(String(line)) as Record<string, unknown>);
        done();
      },
    }),
  });
  const shareDir = join(temp.path, 'share');
  const configDir = join(temp.path, 'config');
  const source = join(temp.path, 'source');
  await mkdir(source, { recursive: true });
  await mkdir(shareDir, { recursive: true });
  await writeFile(join(source, 'data.json'), JSON.stringify({ stamp: 'engine harness' }));
  const engine = createEngine({
    configDir,
    version: 'test',
    frontDoor: 'cli',
    clock,
    logger,
    openShare: (input) => {
      const driver = openFileShare(input);
      const wrap = nextShareWrapper;
      nextShareWrapper = null;
      const share = new CountingShare(new SwitchableFaults(wrap ? wrap(driver) : driver, faults, hold));
      opened.push(share);
      return share;
    },
    ...options.extra,
  });
  const events: ApiEvent[] = [];
  engine.onEvent((event) => events.push(event));
  await engine.saveSettings({
    location: shareDir,
    certificateBase64: testCertificate().cerDer.toString('base64'),
    frequencyHours: options.frequencyHours ?? 12,
  });
  await engine.addSource({ name: 'files', folder: source });
  await engine.whenIdle();
  // Fake time moves on only once the work a timer set off (real file I/O) has finished.
  clock.settle = () => engine.whenIdle();
  return {
    engine,
    clock,
    calls,
    faults,
    events,
    logs,
    shareDir,
    configDir,
    resetCounts: () => opened.forEach((share) => share.reset()),
    holdShare: () => {
      let release: () => void = () => undefined;
      hold.released = new Promise<void>((resolve) => (release = resolve)).then(() => {
        hold.released = null;
      });
      return release;
    },
    wrapNextShare: (wrap) => (nextShareWrapper = wrap),
    retentionPasses: () => logs.filter((l) => l.msg === 'retention pass').map((l) => String(l.cause)),
    remove: async () => {
      await engine.close();
      await temp.remove();
    },
  };
}
