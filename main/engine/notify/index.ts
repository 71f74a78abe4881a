export { NotificationService } from './notification-service';
export type { SystemLog } from './system-log';
export { syslog } from './syslog';
export { windowsEventLog } from './windows-event-log';
