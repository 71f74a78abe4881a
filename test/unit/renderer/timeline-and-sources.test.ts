import { beforeEach, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../../preload/api';
import { timelineRows } from '../../../renderer/src/format/timeline-rows';
import { absoluteTime } from '../../../renderer/src/format/time';
import { useTimelineStore } from '../../../renderer/src/stores/timeline';
import { useSourcesStore } from '../../../renderer/src/stores/sources';
import { declaredBackupInfoWords } from '../../../renderer/src/format/words';
import { freshStores, type FakeTransport } from './fake-transport';
import { SCHEDULE, backup } from './views';

const event = (id: string, fields: Partial<TimelineEvent> & Pick<TimelineEvent, 'kind' | 'at'>): TimelineEvent => ({
  id,
  summary: '',
  ...fields,
});

describe('timeline in operator words', () => {
  const id = '20261120T100000Z-abcdef';
  const events: TimelineEvent[] = [
    event('4', {
      kind: 'slot-skipped',
      at: '2026-11-21T00:00:00.000Z',
      trigger: 'scheduled',
      reason: 'automatic backups disabled',
      summary: 'Scheduled backup of 2026-11-21T00:00:00.000Z skipped: automatic backups disabled',
    }),
    event('3', {
      kind: 'schedule-changed',
      at: '2026-11-20T12:00:00.000Z',
      summary: 'Automatic backups enabled; next backup at 2026-11-21T00:00:00.000Z',
    }),
    event('2', {
      kind: 'run-finished',
      at: '2026-11-20T10:03:00.000Z',
      backupId: id,
      trigger: 'on-demand',
      state: 'Succeeded',
      durationSeconds: 180,
    }),
    event('1', { kind: 'run-started', at: '2026-11-20T10:00:00.000Z', backupId: id, trigger: 'on-demand', state: 'Creating' }),
  ];

  it('one row per run, with size and duration; skipped slots and changes in words; local times with the zone', () => {
    const rows = timelineRows(events, { sizes: new Map([[id, 1.2 * 1024 ** 3]]), runningBackupId: null });
    expect(rows.map((row) => row.title)).toEqual([
      'Scheduled backup skipped: automatic backups are disabled',
      'Automatic backups enabled',
      'Backup succeeded — 1.2 GB in 3 min',
    ]);
    expect(rows[1]?.detail).toBe(`Next backup at ${absoluteTime('2026-11-21T00:00:00.000Z')}`);
    expect(rows[2]).toMatchObject({ trigger: 'On demand', tone: 'success' });
    const words = JSON.stringify(rows.map((row) => [row.title, row.detail]));
    expect(words).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(words).not.toMatch(/run-finished|slot-skipped|schedule-changed/);
  });

  it('a run that found the share locked by another console says it was skipped, and why', () => {
    const skipped = event('10', {
      kind: 'run-finished',
      at: '2026-11-20T10:03:00.000Z',
      backupId: id,
      trigger: 'scheduled',
      state: 'Skipped',
      reason: 'A backup is already running on this share (console other:42, started 2026-11-20T10:00:00.000Z).',
    });
    expect(timelineRows([skipped], { sizes: new Map(), runningBackupId: null })[0]).toMatchObject({
      title: 'Backup skipped: A backup is already running on this share (console other:42, started 2026-11-20T10:00:00.000Z).',
      detail: `Backup ${id}`,
      tone: 'warning',
    });
  });

  it('a failed run says why in words', () => {
    const failed = event('9', {
      kind: 'run-finished',
      at: '2026-11-20T10:03:00.000Z',
      backupId: id,
      state: 'Failed',
      category: 'capacity',
      reason: 'NT_STATUS_DISK_FULL',
    });
    expect(timelineRows([failed], { sizes: new Map(), runningBackupId: null })[0]).toMatchObject({
      title: 'Backup failed: the file share is out of capacity',
      tone: 'error',
    });
  });

  it('filters in words ask the engine for the kinds they stand for', async () => {
    const engine = freshStores();
    engine
      .answer('getTimeline', () => [])
      .answer('getSchedule', () => SCHEDULE)
      .answer('listBackups', () => [backup(id)]);
    const timeline = useTimelineStore();
    await timeline.setFilter('skipped');
    expect(engine.inputsOf('getTimeline').at(-1)).toEqual({ kinds: ['slot-skipped'], limit: 500 });
    await timeline.setFilter('all');
    expect(engine.inputsOf('getTimeline').at(-1)).toEqual({ limit: 500 });
  });

  it("a slow answer for the filter left shows nothing of its own: the chosen filter's rows stay", async () => {
    const engine = freshStores();
    const skipped = event('s', { kind: 'slot-skipped', at: '2026-11-21T00:00:00.000Z', trigger: 'scheduled', reason: 'paused' });
    const changed = event('c', { kind: 'settings-changed', at: '2026-11-20T00:00:00.000Z', summary: 'Settings saved' });
    let answerAll: () => void = () => undefined;
    engine
      .answer('getTimeline', () => new Promise((resolve) => (answerAll = () => resolve([skipped, changed]))))
      .answer('getSchedule', () => SCHEDULE)
      .answer('listBackups', () => []);
    const timeline = useTimelineStore();
    const everything = timeline.refresh();
    engine.answer('getTimeline', () => [skipped]);
    await timeline.setFilter('skipped');
    answerAll();
    await everything;
    expect(timeline.events.map((e) => e.id)).toEqual(['s']);
  });
});

describe('sources store', () => {
  let engine: FakeTransport;
  beforeEach(() => {
    engine = freshStores();
  });

  it('says that the first own source replaces the sample stamp, and that removing the last brings it back', async () => {
    const sample = ['identity', 'rbac'].map((name) => ({ name, kind: 'sample' as const, detail: 'bundled sample stamp', builtIn: true }));
    const own = [{ name: 'keyvault', kind: 'folder' as const, detail: '/srv/keyvault', builtIn: false }];
    engine
      .answer('listSources', () => sample)
      .answer('addSource', () => own)
      .answer('removeSource', () => sample);
    const sources = useSourcesStore();
    await sources.refresh();
    expect(sources.usingSample).toBe(true);
    expect(await sources.addFolder(' keyvault ', ' /srv/keyvault ')).toBe(true);
    expect(engine.inputsOf('addSource')).toEqual([{ name: 'keyvault', folder: '/srv/keyvault' }]);
    expect(sources.feedback).toBe('Added "keyvault". Backups now take your sources only; the sample stamp is no longer backed up.');
    await sources.remove('keyvault');
    expect(sources.feedback).toBe('Removed "keyvault". With no sources of your own, backups take the bundled sample stamp again.');
  });
});

describe("a command source's declared backupInfo, as the Sources page shows it", () => {
  it("names each declared fact with its label, in the API's order; nothing when nothing is declared", () => {
    expect(declaredBackupInfoWords({ oemVersion: '2.1', stampVersion: '1.2307.0.5', deploymentID: 'a1b2' })).toBe(
      'Recorded in each backup: Stamp version 1.2307.0.5 · Deployment ID a1b2 · OEM version 2.1',
    );
    expect(declaredBackupInfoWords({})).toBeNull();
    expect(declaredBackupInfoWords(undefined)).toBeNull();
  });
});
