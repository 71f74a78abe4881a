import type { HistoryStore } from './history/history-store';
import type { MaintenanceService } from './maintenance/maintenance-service';
import type { ShareSnapshot } from './maintenance/share-snapshot';
import type { RetentionRunner } from './retention';
import type { Scheduler } from './schedule';

/** The long-lived parts createEngine builds once, that method groups use beside the EngineContext. */
export interface EngineCore {
  history: HistoryStore;
  scheduler: Scheduler;
  snapshot: ShareSnapshot;
  retention: RetentionRunner;
  maintenance: MaintenanceService;
}
