import type { BackupConsoleApi, CapacityView } from '../../../preload/api';
import { withConfiguredShare, type EngineContext } from '../context';
import { testShareConnection } from '../share/share-connection-test';

type ShareMethods = Pick<BackupConsoleApi, 'testShare' | 'getCapacity'>;

// Asking an SMB server for its free space costs a connection: Essentials
// refreshes often, so the figure is kept for a few minutes.
const CAPACITY_MAX_AGE_MS = 5 * 60_000;

export function shareMethods(ctx: EngineContext): ShareMethods & { rememberCapacity(view: CapacityView): void; lastCapacity(): CapacityView } {
  let capacity: CapacityView = { freeBytes: null, totalBytes: null, measuredAt: null };
  const remember = (view: CapacityView): void => {
    capacity = view;
  };
  return {
    rememberCapacity: remember,
    lastCapacity: () => capacity,
    testShare: async () =>
      withConfiguredShare(ctx, async (share) => {
        const { result, failure } = await testShareConnection(share);
        if (result.freeBytes !== null) remember({ freeBytes: result.freeBytes, totalBytes: result.totalBytes, measuredAt: ctx.now().toISOString() });
        if (failure) {
          ctx.logger.warn({ category: failure.category, cause: failure.technicalCause }, 'share test failed');
          return { ...result, failure: failure.toApiError() };
        }
        return result;
      }),
    getCapacity: async () => {
      const fresh = capacity.measuredAt !== null && ctx.now().getTime() - Date.parse(capacity.measuredAt) < CAPACITY_MAX_AGE_MS;
      if (fresh || !ctx.settings.service.stored().configured) return capacity;
      try {
        const space = await withConfiguredShare(ctx, (share) => share.freeSpace());
        remember({ freeBytes: space.freeBytes, totalBytes: space.totalBytes, measuredAt: ctx.now().toISOString() });
      } catch (error) {
        // Capacity is informational: an unreachable share shows "—" and the alerts say why.
        ctx.logger.debug({ err: error }, 'free space not available');
      }
      return capacity;
    },
  };
}
