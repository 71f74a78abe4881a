import type { CapacityView } from '../../../preload/api';
import type { Clock } from '../clock';
import { withConfiguredShare, type EngineContext } from '../context';

/**
 * Asking an SMB server for its free space costs a connection: a reading (or
 * a failed attempt, so an unreachable share does not slow every refresh) is
 * reused for this long unless the caller asks for a fresh one.
 */
export const CAPACITY_MAX_AGE_MS = 5 * 60_000;

/** The one owner of the share's free capacity as last read. */
export class CapacityMonitor {
  private view: CapacityView = { freeBytes: null, totalBytes: null, measuredAt: null };
  private attemptedAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: { ctx: EngineContext; clock: Clock }) {}

  current(): CapacityView {
    return this.view;
  }

  /** A reading taken elsewhere (the connection test). */
  remember(freeBytes: number, totalBytes: number | null): void {
    this.view = { freeBytes, totalBytes, measuredAt: this.deps.clock.now().toISOString() };
    this.attemptedAtMs = this.deps.clock.elapsedMs();
  }

  /** Reads the free space when the last attempt is older than `maxAgeMs`; never throws (capacity is informational). */
  async refresh(maxAgeMs = CAPACITY_MAX_AGE_MS): Promise<CapacityView> {
    const { ctx, clock } = this.deps;
    if (!ctx.settings.service.stored().configured || clock.elapsedMs() - this.attemptedAtMs < maxAgeMs) return this.view;
    this.attemptedAtMs = clock.elapsedMs();
    try {
      const space = await withConfiguredShare(ctx, (share) => share.freeSpace());
      this.remember(space.freeBytes, space.totalBytes);
    } catch (error) {
      // An unreachable share shows "—" and the alerts say why.
      ctx.logger.debug({ err: error }, 'free space not available');
    }
    return this.view;
  }
}
