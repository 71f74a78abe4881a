import { describe, expect, it } from 'vitest';
import { EVENT_LOG_SOURCE, windowsEventLog, type EventLogApi } from '../../../main/engine/notify/windows-event-log';
import { systemLogEntries } from '../../../main/engine/notify/system-log';

/** The Win32 calls as a stand-in records them (there is no Event Log here). */
function standIn(failOnEventId?: number) {
  const calls: string[] = [];
  const api: EventLogApi = {
    register: (source) => (calls.push(`register ${source}`), { handle: 1 }),
    report: (_handle, type, eventId, message) => (calls.push(`report type=${type} id=${eventId} ${message}`), eventId !== failOnEventId),
    deregister: () => void calls.push('deregister'),
  };
  return { api, calls };
}

const alert = { id: 'a', title: 'The file share is full.', remediation: 'Add capacity.', raisedAt: '2026-11-29T10:00:00.000Z' };

describe('the Windows Event Log', () => {
  it('writes each alert change under the registered source with its event id and type, then lets the source go', async () => {
    const { api, calls } = standIn();
    const entries = systemLogEntries({
      type: 'alerts',
      id: 'm1',
      createdAt: '2026-11-29T10:00:00.000Z',
      events: [
        { transition: 'raised', at: '2026-11-29T10:00:00.000Z', alert: { ...alert, kind: 'capacity', severity: 'critical' } },
        { transition: 'raised', at: '2026-11-29T10:00:00.000Z', alert: { ...alert, kind: 'capacity-forecast', severity: 'warning' } },
        { transition: 'closed', at: '2026-11-29T10:00:00.000Z', alert: { ...alert, kind: 'path', severity: 'critical' } },
      ],
      activeAlerts: [],
    });
    await windowsEventLog(api).write(entries);
    expect(calls.map((c) => c.replace(/ (Alert|The).*$/, ''))).toEqual([
      `register ${EVENT_LOG_SOURCE}`,
      'report type=1 id=1001',
      'report type=2 id=1008',
      'report type=4 id=2003',
      'deregister',
    ]);
    expect(calls[1]).toContain('Alert raised [critical] capacity: The file share is full. What to do: Add capacity.');
  });

  it('fails the delivery when a report is refused, and still deregisters', async () => {
    const { api, calls } = standIn(3000);
    await expect(windowsEventLog(api).write([{ eventId: 3000, level: 'information', message: 'Test message' }])).rejects.toThrow(
      /ReportEventW failed for event 3000/,
    );
    expect(calls.at(-1)).toBe('deregister');
  });
});
