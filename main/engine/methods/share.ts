import type { BackupConsoleApi } from '../../../preload/api';
import { withConfiguredShare, type EngineContext } from '../context';
import type { CapacityMonitor } from '../maintenance/capacity-monitor';
import { testShareConnection } from '../share/share-connection-test';
import { NO_CANCEL } from '../share/abort';

type ShareMethods = Pick<BackupConsoleApi, 'testShare' | 'getCapacity'>;

export function shareMethods(ctx: EngineContext, capacity: CapacityMonitor): ShareMethods {
  return {
    testShare: async () =>
      withConfiguredShare(ctx, async (share) => {
        const { result, failure } = await testShareConnection(share, NO_CANCEL);
        if (result.freeBytes !== null) capacity.remember(result.freeBytes, result.totalBytes);
        if (failure) {
          ctx.logger.warn({ category: failure.category, cause: failure.technicalCause }, 'share test failed');
          return { ...result, failure: failure.toApiError() };
        }
        return result;
      }),
    getCapacity: () => capacity.refresh(),
  };
}
