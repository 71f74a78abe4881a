import type { RetentionPreview } from '../../../preload/api';
import type { Clock } from '../clock';
import type { TimelineSink } from '../history/timeline-sink';
import type { RetentionFailure, RetentionOutcome, RetentionTarget } from './apply-retention';
import { applyRetention } from './apply-retention';
import type { ShareLeftovers, UnreadableLock } from './leftovers';
import type { OwnKeys, RetainedBackup } from './retention-policy';
import { planRetention, previewRetention } from './retention-policy';

export interface RetentionRunnerDeps {
  clock: Clock;
  timeline: TimelineSink;
  target: RetentionTarget;
  /** Backups on the share (the share is the source of truth). */
  listBackups(): Promise<readonly RetainedBackup[]>;
  /** Leftovers on the share (leftovers.ts findLeftovers): `.partial` folders with their lock liveness, `.deleting` folders to finish. */
  listLeftovers(): Promise<ShareLeftovers>;
  retentionDays(): number;
  /** The certificates and legacy key this console encrypts or encrypted to: only their backups are its to delete. */
  ownKeys(): OwnKeys;
  /** A pass is about to delete these complete backups (not called when it deletes none). */
  onDeleting?(backupIds: string[]): void;
  /** The pass that announced onDeleting has ended. */
  onDeleted?(outcome: RetentionOutcome): void;
}

/**
 * Retention as the maintenance service runs it (after a job, and when idle): list,
 * plan, apply. One pass at a time (a second call joins the running one).
 * `lastFailures` feeds the 'retention-delete-failed' alert; the next pass
 * plans the same expired backups again, which is the retry.
 */
export class RetentionRunner {
  private running: Promise<RetentionOutcome> | null = null;
  private failures: RetentionFailure[] = [];
  private unreadableLock: UnreadableLock | null | undefined = undefined;

  constructor(private readonly deps: RetentionRunnerDeps) {}

  get lastFailures(): RetentionFailure[] {
    return [...this.failures];
  }

  /**
   * The share's lock file as the last pass found it, when it could not be read
   * (for the 'unreadable-lock' alert); null when it could, undefined before any pass.
   */
  get lastUnreadableLock(): UnreadableLock | null | undefined {
    return this.unreadableLock;
  }

  run(): Promise<RetentionOutcome> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The dry run for a proposed period: exactly what `run()` would delete with it now. */
  async preview(retentionDays: number): Promise<RetentionPreview> {
    return previewRetention({
      backups: await this.deps.listBackups(),
      retentionDays,
      now: this.deps.clock.now(),
      ownKeys: this.deps.ownKeys(),
    });
  }

  private async pass(): Promise<RetentionOutcome> {
    const [backups, leftovers] = await Promise.all([this.deps.listBackups(), this.deps.listLeftovers()]);
    this.unreadableLock = leftovers.unreadableLock;
    const plan = planRetention({
      backups,
      partials: leftovers.partials,
      deleting: leftovers.deleting,
      retentionDays: this.deps.retentionDays(),
      now: this.deps.clock.now(),
      ownKeys: this.deps.ownKeys(),
    });
    const announced = plan.toDelete.map((backup) => backup.backupId);
    if (announced.length > 0) this.deps.onDeleting?.(announced);
    let outcome: RetentionOutcome = { deleted: [], partialsDeleted: [], deletionsFinished: [], failures: [] };
    try {
      outcome = await applyRetention(this.deps.target, plan, { timeline: this.deps.timeline, clock: this.deps.clock });
    } finally {
      if (announced.length > 0) this.deps.onDeleted?.(outcome);
    }
    this.failures = outcome.failures;
    return outcome;
  }
}
