import type { BackupSummary } from '../../../preload/api';
import type { BackupManager } from '../backup/backup-manager';
import type { Clock } from '../clock';
import { locationKey } from './location-key';
import { withConfiguredShare, type EngineContext } from '../context';
import { findLeftovers, type ShareLeftovers } from '../retention';

/**
 * The one owner of "what is on the share, as last seen": the backups of the
 * configured location as the last listing found them, and how old that
 * listing is (in elapsed time, so a wall-clock step cannot make it look
 * fresh or stale). The share stays the source of truth — an operator's
 * request lists it again — but the maintenance service lists only when
 * something could have changed or this listing is old.
 */
export class ShareSnapshot {
  private backups: BackupSummary[] | null = null;
  private listedAtMs = Number.NEGATIVE_INFINITY;
  private location = '';
  private listing: Promise<BackupSummary[]> | null = null;
  private readonly deleting = new Set<string>();

  constructor(private readonly deps: { ctx: EngineContext; backups: BackupManager; clock: Clock }) {}

  /** The backups as last listed for the configured location; null when not listed since it was configured. */
  known(): BackupSummary[] | null {
    return this.location === this.currentLocation() ? this.backups : null;
  }

  /** How long ago the known listing was taken; infinite when there is none. */
  ageMs(): number {
    return this.known() === null ? Number.POSITIVE_INFINITY : this.deps.clock.elapsedMs() - this.listedAtMs;
  }

  /** Lists the share now (a listing already under way is joined) and keeps the result. */
  refresh(): Promise<BackupSummary[]> {
    this.listing ??= (async () => {
      const location = this.currentLocation();
      const backups = await this.deps.backups.list();
      this.backups = backups;
      this.location = location;
      this.listedAtMs = this.deps.clock.elapsedMs();
      return backups;
    })().finally(() => {
      this.listing = null;
    });
    return this.listing;
  }

  /** The known listing, or a new one when there is none. */
  async current(): Promise<BackupSummary[]> {
    return this.known() ?? this.refresh();
  }

  /** Retention is deleting these: a listing meanwhile shows them as deleting. */
  markDeleting(backupIds: readonly string[]): void {
    for (const id of backupIds) this.deleting.add(id);
  }

  /** Retention (one pass at a time) has ended: what it deleted is gone from the known listing, without asking the share again. */
  deleted(backupIds: readonly string[]): void {
    this.deleting.clear();
    if (this.backups === null || backupIds.length === 0) return;
    const gone = new Set(backupIds);
    this.backups = this.backups.filter((backup) => !gone.has(backup.backupId));
  }

  /** A listing as the operator sees it: backups being deleted say so. */
  withDeletions<T extends { backupId: string }>(backups: readonly T[]): Array<T & { deleting?: true }> {
    return backups.map((backup) => (this.deleting.has(backup.backupId) ? { ...backup, deleting: true as const } : backup));
  }

  /**
   * The leftovers on the share now (retention/leftovers.ts): `.partial`
   * folders, each with whether a live job's lock covers it, `.deleting`
   * folders, and the lock if it cannot be read. Always read fresh: a lock is
   * only as good as its last heartbeat.
   */
  async leftovers(): Promise<ShareLeftovers> {
    const { ctx, clock } = this.deps;
    return withConfiguredShare(ctx, (share) => findLeftovers(share, clock.now().getTime()));
  }

  private currentLocation(): string {
    return locationKey(this.deps.ctx.settings.service.stored());
  }
}
