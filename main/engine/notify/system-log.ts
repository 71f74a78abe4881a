import type { Alert } from '../../../preload/api';
import type { NotificationChannel } from './channel';
import { alertEventId, DIGEST_EVENT_ID, TEST_EVENT_ID } from './alert-event-ids';
import type { NotificationMessage } from './notification-message';

/** One line in the system log. */
export interface SystemLogEntry {
  /** Stable per alert and transition (alert-event-ids.ts). */
  eventId: number;
  level: 'error' | 'warning' | 'information';
  /** One line, no newlines. */
  message: string;
}

/** The station's system log: syslog/journald on Linux and macOS, the Windows Event Log on Windows. */
export interface SystemLog {
  readonly target: 'syslog' | 'windows-event-log';
  write(entries: readonly SystemLogEntry[]): Promise<void>;
}

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

function levelOf(alert: Alert, transition: 'raised' | 'closed'): SystemLogEntry['level'] {
  if (transition === 'closed') return 'information';
  return alert.severity === 'critical' ? 'error' : alert.severity === 'warning' ? 'warning' : 'information';
}

/** Each alert change is its own entry (SIEM rules match one event id per line); a test or digest is one line. */
export function systemLogEntries(message: NotificationMessage): SystemLogEntry[] {
  if (message.type === 'test')
    return [{ eventId: TEST_EVENT_ID, level: 'information', message: 'Test message: notifications reach the system log.' }];
  const entries: SystemLogEntry[] = message.events.map(({ alert, transition }) => ({
    eventId: alertEventId(alert.kind, transition),
    level: levelOf(alert, transition),
    message: oneLine(
      transition === 'raised'
        ? `Alert raised [${alert.severity}] ${alert.kind}: ${alert.title}${alert.detail ? ` Detail: ${alert.detail}` : ''} What to do: ${alert.remediation}`
        : `Alert closed ${alert.kind}: ${alert.title}`,
    ),
  }));
  if (message.type === 'digest')
    entries.push({
      eventId: DIGEST_EVENT_ID,
      level: 'information',
      message: `Daily digest: ${message.activeAlerts.length} active alert(s): ${message.activeAlerts.map((a) => a.kind).join(', ') || 'none'}.`,
    });
  return entries;
}

export function systemLogChannel(log: SystemLog): NotificationChannel {
  return { send: (message) => log.write(systemLogEntries(message)) };
}
