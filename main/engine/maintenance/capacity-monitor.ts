import type { CapacityView, ShareFailureCategory } from '../../../preload/api';
import type { Clock } from '../clock';
import { locationKey } from './location-key';
import { withConfiguredShare, type EngineContext } from '../context';
import { toEngineError } from '../errors';
import { NO_CANCEL } from '../share/abort';

/**
 * Asking an SMB server for its free space costs a connection: a reading (or
 * a failed attempt, so an unreachable share does not slow every refresh) is
 * reused for this long unless the caller asks for a fresh one.
 */
export const CAPACITY_MAX_AGE_MS = 5 * 60_000;

const NOT_READ: CapacityView = { freeBytes: null, totalBytes: null, measuredAt: null, readFailure: null };

/**
 * The one owner of the share's free capacity as last read. A reading carries
 * its time; a failed one makes the figures unknown and says why, so an
 * unreachable share never shows the capacity it had before.
 */
export class CapacityMonitor {
  private view: CapacityView = NOT_READ;
  private attemptedAtMs = Number.NEGATIVE_INFINITY;
  private location = '';
  /** The reading under way, and of which location: callers that come meanwhile wait for it instead of asking the server again. */
  private reading: { location: string; done: Promise<CapacityView> } | null = null;

  constructor(private readonly deps: { ctx: EngineContext; clock: Clock }) {}

  current(): CapacityView {
    return this.location === this.currentLocation() ? this.view : NOT_READ;
  }

  /**
   * What is known now, at once; a reading is started in the background when this one is older
   * than CAPACITY_MAX_AGE_MS (its result is published as capacity-changed). For what a window
   * shows: a server that does not answer must not hold it up.
   */
  currentAndRefresh(): CapacityView {
    this.refresh().catch(() => undefined);
    return this.current();
  }

  /** A reading taken elsewhere (the connection test). */
  remember(freeBytes: number, totalBytes: number | null): void {
    this.publish({ freeBytes, totalBytes, measuredAt: this.deps.clock.now().toISOString(), readFailure: null });
  }

  /** Reads the free space when the last attempt is older than `maxAgeMs` (or was for another location); never throws. */
  async refresh(maxAgeMs = CAPACITY_MAX_AGE_MS): Promise<CapacityView> {
    const { ctx, clock } = this.deps;
    if (!ctx.settings.service.stored().configured) return NOT_READ;
    if (this.location === this.currentLocation() && clock.elapsedMs() - this.attemptedAtMs < maxAgeMs) return this.view;
    const location = this.currentLocation();
    if (this.reading?.location !== location) {
      const reading = { location, done: this.read(location) };
      this.reading = reading;
      void reading.done.finally(() => {
        if (this.reading === reading) this.reading = null;
      });
    }
    return this.reading.done;
  }

  /** The share failed just now (a job could not reach it): the capacity is unknown, and says why, until the next reading. */
  unreadable(failure: { message: string; category?: ShareFailureCategory | undefined }): void {
    this.publish({
      ...NOT_READ,
      readFailure: {
        at: this.deps.clock.now().toISOString(),
        message: failure.message,
        ...(failure.category ? { category: failure.category } : {}),
      },
    });
  }

  private async read(location: string): Promise<CapacityView> {
    const { ctx } = this.deps;
    try {
      const space = await withConfiguredShare(ctx, (share) => share.freeSpace(NO_CANCEL));
      // A reading of a location the operator has left meanwhile says nothing of the new one.
      if (location === this.currentLocation()) this.remember(space.freeBytes, space.totalBytes);
    } catch (error) {
      ctx.logger.debug({ err: error }, 'free space not available');
      if (location === this.currentLocation()) this.unreadable(toEngineError(error));
    }
    return this.current();
  }

  private publish(view: CapacityView): void {
    this.view = view;
    this.attemptedAtMs = this.deps.clock.elapsedMs();
    this.location = this.currentLocation();
    this.deps.ctx.events.publish({ type: 'capacity-changed', capacity: view });
  }

  private currentLocation(): string {
    return locationKey(this.deps.ctx.settings.service.stored());
  }
}
