import { loadKoffi } from '../win32/load-koffi';
import type { SystemLog, SystemLogEntry } from './system-log';

/** The event source the installer registers (build/windows/installer.nsh) in the Application log. */
export const EVENT_LOG_SOURCE = 'Infrastructure Backup Console';

/** The three Win32 calls the Event Log needs, behind an interface so the mapping is unit-tested without Windows. */
export interface EventLogApi {
  register(source: string): unknown;
  report(handle: unknown, type: number, eventId: number, message: string): boolean;
  deregister(handle: unknown): void;
}

/** EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE, EVENTLOG_INFORMATION_TYPE. */
const EVENT_TYPE: Record<SystemLogEntry['level'], number> = { error: 0x0001, warning: 0x0002, information: 0x0004 };

export function windowsEventLog(api: EventLogApi = koffiEventLogApi()): SystemLog {
  return {
    target: 'windows-event-log',
    async write(entries) {
      const handle = api.register(EVENT_LOG_SOURCE);
      if (!handle) throw new Error(`RegisterEventSourceW failed for "${EVENT_LOG_SOURCE}".`);
      try {
        for (const entry of entries)
          if (!api.report(handle, EVENT_TYPE[entry.level], entry.eventId, entry.message))
            throw new Error(`ReportEventW failed for event ${entry.eventId}.`);
      } finally {
        api.deregister(handle);
      }
    },
  };
}

/**
 * advapi32 through koffi, as the SMB and DPAPI code calls Win32. The source's
 * message file (registered by the installer) is .NET's EventLogMessages.dll,
 * whose every message is "%1": the event shows our text as is.
 */
function koffiEventLogApi(): EventLogApi {
  let bound: { register: (s: null, n: string) => unknown; report: (...a: unknown[]) => number; deregister: (h: unknown) => number } | null =
    null;
  const bind = () => {
    if (bound) return bound;
    const koffi = loadKoffi();
    const advapi32 = koffi.load('advapi32.dll');
    bound = {
      register: advapi32.func('void *__stdcall RegisterEventSourceW(const char16_t *server, const char16_t *source)'),
      report: advapi32.func(
        'int __stdcall ReportEventW(void *log, uint16_t type, uint16_t category, uint32_t eventId, void *sid, uint16_t numStrings, uint32_t dataSize, const char16_t **strings, void *data)',
      ),
      deregister: advapi32.func('int __stdcall DeregisterEventSource(void *log)'),
    };
    return bound;
  };
  return {
    register: (source) => bind().register(null, source),
    report: (handle, type, eventId, message) => bind().report(handle, type, 0, eventId, null, 1, 0, [message], null) !== 0,
    deregister: (handle) => void bind().deregister(handle),
  };
}
