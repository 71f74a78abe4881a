import type { TimelineEvent } from '../../../preload/api';

/** An event before the store gives it an id; `at` defaults to the store's clock. */
export type NewTimelineEvent = Omit<TimelineEvent, 'id' | 'at'> & { at?: string };

/** Where the scheduler, retention and the backup service record what happened. */
export interface TimelineSink {
  append(event: NewTimelineEvent): Promise<TimelineEvent | void> | TimelineEvent | void;
}
