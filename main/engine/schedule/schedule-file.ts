import { join } from 'node:path';
import { jsonStateFile } from '../history/json-state-file';
import type { ScheduleStore } from './schedule-state';
import { parseScheduleState } from './schedule-state';

export const SCHEDULE_FILE_NAME = 'schedule.json';

/** The scheduler's state in `<configDir>/schedule.json`. */
export function scheduleFileStore(configDir: string, onInvalid?: (reason: string) => void): ScheduleStore {
  return jsonStateFile(join(configDir, SCHEDULE_FILE_NAME), parseScheduleState, onInvalid);
}
