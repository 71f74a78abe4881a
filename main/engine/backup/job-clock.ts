import type { Clock as EngineClock } from '../clock';

/** The slice of the engine clock the backup job needs: time, and the lock heartbeat's repeating timer. */
export type Clock = Pick<EngineClock, 'now' | 'setInterval'>;
