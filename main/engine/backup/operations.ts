import { randomUUID } from 'node:crypto';
import type { ApiEvent, OperationProgress } from '../../../preload/api';
import { EngineError, invalidInput } from '../errors';
import type { Clock } from './job-clock';
import { etaSeconds, RateMeter } from './progress';

/** What a verify or restore reports while it reads the backup from the share. */
export interface OperationReporter {
  readonly signal: AbortSignal;
  /** The component being read now. */
  component(name: string): void;
  /** Bytes read from the share since the last call. */
  bytes(delta: number): void;
}

type OperationKind = OperationProgress['kind'];

/** Progress events per operation: about a hundred over its length, never one per chunk. */
const EVENTS_PER_OPERATION = 100;
const MIN_BYTES_BETWEEN_EVENTS = 256 * 1024;

/**
 * The verify and restore operations under way: each can be cancelled by the
 * id its caller chose, and publishes its progress (bytes read from the share
 * of the total the manifest says it will read) as `operation-progress`.
 */
export class OperationRegistry {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly publish: (event: ApiEvent) => void,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Runs `work` as an operation; an abort through cancel() fails it with 'cancelled'. */
  async run<T>(
    request: { operationId?: string; kind: OperationKind; backupId: string; bytesTotal: number | null },
    work: (reporter: OperationReporter) => Promise<T>,
  ): Promise<T> {
    const operationId = request.operationId ?? randomUUID();
    if (this.running.has(operationId))
      throw invalidInput('operationId', `An operation with the id ${operationId} is already running.`, 'Use a new id for each operation.');
    const abort = new AbortController();
    this.running.set(operationId, abort);
    const meter = new RateMeter();
    const step = Math.max(MIN_BYTES_BETWEEN_EVENTS, Math.ceil((request.bytesTotal ?? 0) / EVENTS_PER_OPERATION));
    const progress: OperationProgress = {
      operationId,
      kind: request.kind,
      backupId: request.backupId,
      component: null,
      bytesDone: 0,
      bytesTotal: request.bytesTotal,
      bytesPerSecond: 0,
      etaSeconds: null,
    };
    let reportedAt = 0;
    const report = (): void => {
      reportedAt = progress.bytesDone;
      progress.bytesPerSecond = meter.sample(this.clock.now().getTime(), progress.bytesDone);
      progress.etaSeconds = etaSeconds(progress.bytesDone, progress.bytesTotal, progress.bytesPerSecond);
      this.publish({ type: 'operation-progress', progress: { ...progress } });
    };
    const reporter: OperationReporter = {
      signal: abort.signal,
      component: (name) => {
        progress.component = name;
        report();
      },
      bytes: (delta) => {
        progress.bytesDone += delta;
        if (progress.bytesDone - reportedAt >= step) report();
      },
    };
    report();
    try {
      const result = await work(reporter);
      report();
      return result;
    } catch (error) {
      if (abort.signal.aborted) throw cancelled(request.kind);
      throw error;
    } finally {
      this.running.delete(operationId);
    }
  }

  cancel(operationId: string): void {
    const abort = this.running.get(operationId);
    if (!abort) throw invalidInput('operationId', 'That operation is not running.', 'It may have finished already.');
    abort.abort();
  }
}

function cancelled(kind: OperationKind): EngineError {
  return new EngineError({
    code: 'cancelled',
    message: kind === 'restore' ? 'The restore was cancelled; nothing was restored.' : 'The verification was cancelled.',
    remediation: kind === 'restore' ? 'Start the restore again when ready.' : 'Start it again when ready.',
  });
}
