import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_KINDS } from '../../../preload/api';
import { alertEventId, documentedAlertEventIds, GENERIC_ALERT_EVENT_ID } from '../../../main/engine/notify/alert-event-ids';

describe('alert event ids', () => {
  it('give every alert kind its own id, and its close the id + 1000', () => {
    const raised = ALERT_KINDS.map((kind) => alertEventId(kind, 'raised'));
    expect(new Set(raised).size).toBe(raised.length);
    expect(ALERT_KINDS.map((kind) => alertEventId(kind, 'closed') - alertEventId(kind, 'raised'))).toEqual(ALERT_KINDS.map(() => 1000));
  });

  it('keep a kind without its own id in the log under the generic id', () => {
    expect(alertEventId('a-kind-added-later', 'raised')).toBe(GENERIC_ALERT_EVENT_ID);
    expect(new Set(documentedAlertEventIds().map(([, id]) => id)).size).toBe(documentedAlertEventIds().length);
  });

  it('are the ones the README documents', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('**Event ids**'));
    const rows = [...table.matchAll(/^\| [^|]+ \| (1\d{3}) \| (2\d{3}) \|$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    const documented = [...documentedAlertEventIds().map(([, id]) => id), GENERIC_ALERT_EVENT_ID].sort();
    expect(rows.map(([raised]) => raised).sort()).toEqual(documented);
    expect(rows.every(([raised, closed]) => closed === raised! + 1000)).toBe(true);
  });
});
