import type { BackupConsoleApi, CapacityView } from '../../../preload/api';
import { withConfiguredShare, type EngineContext } from '../context';
import { testShareConnection } from '../share/share-connection-test';
import { NO_CANCEL } from '../share/abort';

type ShareMethods = Pick<BackupConsoleApi, 'testShare' | 'getCapacity'>;

// Asking an SMB server for its free space costs a connection: Essentials
// refreshes often, so the figure is kept for a few minutes.
const CAPACITY_MAX_AGE_MS = 5 * 60_000;

export function shareMethods(
  ctx: EngineContext,
): ShareMethods & { rememberCapacity(view: CapacityView): void; lastCapacity(): CapacityView } {
  let capacity: CapacityView = { freeBytes: null, totalBytes: null, measuredAt: null };
  // Also after a failed attempt: an unreachable share must not slow every Essentials refresh.
  let lastAttemptMs = Number.NEGATIVE_INFINITY;
  const remember = (view: CapacityView): void => {
    capacity = view;
    if (view.measuredAt) lastAttemptMs = Date.parse(view.measuredAt);
  };
  return {
    rememberCapacity: remember,
    lastCapacity: () => capacity,
    testShare: async () =>
      withConfiguredShare(ctx, async (share) => {
        const { result, failure } = await testShareConnection(share, NO_CANCEL);
        if (result.freeBytes !== null)
          remember({ freeBytes: result.freeBytes, totalBytes: result.totalBytes, measuredAt: ctx.now().toISOString() });
        if (failure) {
          ctx.logger.warn({ category: failure.category, cause: failure.technicalCause }, 'share test failed');
          return { ...result, failure: failure.toApiError() };
        }
        return result;
      }),
    getCapacity: async () => {
      if (ctx.now().getTime() - lastAttemptMs < CAPACITY_MAX_AGE_MS || !ctx.settings.service.stored().configured) return capacity;
      lastAttemptMs = ctx.now().getTime();
      try {
        const space = await withConfiguredShare(ctx, (share) => share.freeSpace(NO_CANCEL));
        remember({ freeBytes: space.freeBytes, totalBytes: space.totalBytes, measuredAt: ctx.now().toISOString() });
      } catch (error) {
        // Capacity is informational: an unreachable share shows "—" and the alerts say why.
        ctx.logger.debug({ err: error }, 'free space not available');
      }
      return capacity;
    },
  };
}
