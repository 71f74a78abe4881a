import { join } from 'node:path';
import type { Alert } from '../../../preload/api';
import { ALERT_KINDS } from '../../../preload/api';
import { jsonStateFile } from '../history/json-state-file';
import { withFileLock } from '../app/file-lock';
import type { AlertState, AlertStore } from './alert-center';

export const ALERTS_FILE_NAME = 'alerts.json';

const KINDS: ReadonlySet<string> = new Set(ALERT_KINDS);
const SEVERITIES: ReadonlySet<string> = new Set(['critical', 'warning', 'informational']);

export function parseAlertState(value: unknown): AlertState | null {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { active?: unknown }).active)) return null;
  const active: Alert[] = [];
  for (const item of (value as { active: unknown[] }).active) {
    if (typeof item !== 'object' || item === null) continue;
    const a = item as Record<string, unknown>;
    if (
      typeof a.id !== 'string' ||
      typeof a.kind !== 'string' ||
      !KINDS.has(a.kind) ||
      typeof a.severity !== 'string' ||
      !SEVERITIES.has(a.severity)
    )
      continue;
    if (typeof a.title !== 'string' || typeof a.remediation !== 'string' || typeof a.raisedAt !== 'string') continue;
    const alert: Alert = {
      id: a.id,
      kind: a.kind as Alert['kind'],
      severity: a.severity as Alert['severity'],
      title: a.title,
      remediation: a.remediation,
      raisedAt: a.raisedAt,
    };
    if (typeof a.detail === 'string') alert.detail = a.detail;
    active.push(alert);
  }
  return { active };
}

/**
 * The active alerts in `<configDir>/alerts.json`, shared by the processes of the station: an update
 * holds `alerts.json.lock` from reading the file to writing it, so two of them deciding at once
 * (a running console and the CLI whose backup just failed) raise and notify an alert once.
 */
export function alertFileStore(
  configDir: string,
  onInvalid?: (reason: string) => void,
  onLockProblem?: (error: unknown) => void,
): AlertStore {
  const file = join(configDir, ALERTS_FILE_NAME);
  return {
    ...jsonStateFile(file, parseAlertState, onInvalid),
    exclusive: (fn) => withFileLock(file, fn, onLockProblem ?? (() => undefined)),
  };
}
