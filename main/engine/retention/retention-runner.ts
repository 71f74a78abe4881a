import type { RetentionPreview } from '../../../preload/api';
import type { Clock } from '../clock';
import type { TimelineSink } from '../history/timeline-sink';
import type { RetentionFailure, RetentionOutcome, RetentionTarget } from './apply-retention';
import { applyRetention } from './apply-retention';
import type { PartialFolder, RetainedBackup } from './retention-policy';
import { planRetention, previewRetention } from './retention-policy';

export interface RetentionRunnerDeps {
  clock: Clock;
  timeline: TimelineSink;
  target: RetentionTarget;
  /** Backups on the share (the share is the source of truth). */
  listBackups(): Promise<readonly RetainedBackup[]>;
  /** `.partial` folders on the share with their lock liveness. */
  listPartials(): Promise<readonly PartialFolder[]>;
  retentionDays(): number;
  backupRoot?: string;
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

  constructor(private readonly deps: RetentionRunnerDeps) {}

  get lastFailures(): RetentionFailure[] {
    return [...this.failures];
  }

  run(): Promise<RetentionOutcome> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The dry run for a proposed period: exactly what `run()` would delete with it now. */
  async preview(retentionDays: number): Promise<RetentionPreview> {
    return previewRetention({ backups: await this.deps.listBackups(), retentionDays, now: this.deps.clock.now() });
  }

  private async pass(): Promise<RetentionOutcome> {
    const [backups, partials] = await Promise.all([this.deps.listBackups(), this.deps.listPartials()]);
    const plan = planRetention({ backups, partials, retentionDays: this.deps.retentionDays(), now: this.deps.clock.now() });
    const options = {
      timeline: this.deps.timeline,
      clock: this.deps.clock,
      ...(this.deps.backupRoot ? { backupRoot: this.deps.backupRoot } : {}),
    };
    const announced = plan.toDelete.map((backup) => backup.backupId).filter((id) => id !== plan.keptNewestSuccessful);
    if (announced.length > 0) this.deps.onDeleting?.(announced);
    let outcome: RetentionOutcome = { deleted: [], partialsDeleted: [], failures: [] };
    try {
      outcome = await applyRetention(this.deps.target, plan, options);
    } finally {
      if (announced.length > 0) this.deps.onDeleted?.(outcome);
    }
    this.failures = outcome.failures;
    return outcome;
  }
}
