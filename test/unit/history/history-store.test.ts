import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore, historyFileIn } from '../../../main/engine/history/history-store';
import { runFinishedEvent, runStartedEvent } from '../../../main/engine/history/run-events';
import { registerSecret } from '../../../main/engine/redact';
import { FakeClock } from '../../support/fake-clock';
import { makeTempDir } from '../../support/temp-dir';

let dir: { path: string; remove: () => Promise<void> };
let clock: FakeClock;
beforeEach(async () => {
  dir = await makeTempDir('ibc-history-');
  clock = new FakeClock('2026-03-01T00:00:00.000Z');
});
afterEach(() => dir.remove());

const open = (extra: Partial<ConstructorParameters<typeof HistoryStore>[0]> = {}) =>
  new HistoryStore({ file: historyFileIn(dir.path), clock, ...extra });

describe('HistoryStore', () => {
  it('appends one JSON line per event and queries newest first, filtered by kind, with a limit', async () => {
    const store = open();
    await store.append(
      runStartedEvent({ backupId: '20260301T000000Z-aaaaaa', trigger: 'scheduled', at: clock.now().toISOString(), owner: 'station:1' }),
    );
    await clock.advance(60_000);
    await store.append({ kind: 'slot-skipped', summary: 'skipped', reason: 'automatic backups disabled' });
    await clock.advance(60_000);
    const finished = await store.append(
      runFinishedEvent({
        backupId: '20260301T000000Z-aaaaaa',
        trigger: 'scheduled',
        state: 'Failed',
        at: clock.now().toISOString(),
        durationSeconds: 95,
        category: 'path',
        message: 'path not found',
      }),
    );

    const lines = (await readFile(historyFileIn(dir.path), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2] ?? '')).toEqual(finished);

    const all = await open().query({});
    expect(all.map((e) => e.kind)).toEqual(['run-finished', 'slot-skipped', 'run-started']);
    expect(all[0]).toMatchObject({ state: 'Failed', category: 'path', durationSeconds: 95, trigger: 'scheduled' });
    expect(all[0]?.summary).toMatch(/Scheduled backup .* Failed after 1 min 35 s/);
    expect(all[1]?.at).toBe('2026-03-01T00:01:00.000Z');
    expect((await open().query({ kinds: ['run-started', 'run-finished'] })).map((e) => e.kind)).toEqual(['run-finished', 'run-started']);
    expect(await open().query({ limit: 1 })).toHaveLength(1);
  });

  it('tolerates a torn last line after a crash and starts the next append on a fresh line', async () => {
    const store = open();
    await store.append({ kind: 'settings-changed', summary: 'first' });
    await appendFile(historyFileIn(dir.path), '{"id":"x","at":"2026-03-01T00:00:00.000Z","kind":"run-fin');

    const reopened = open();
    expect((await reopened.query({})).map((e) => e.summary)).toEqual(['first']);
    // Unfinished, it may still be being written: not taken, not yet counted as unreadable.
    expect(reopened.skippedLines).toBe(0);
    await reopened.append({ kind: 'settings-changed', summary: 'after crash' });
    expect(reopened.skippedLines).toBe(1);

    const third = open();
    expect((await third.query({})).map((e) => e.summary)).toEqual(['after crash', 'first']);
  });

  it('skips lines that are not events (unknown kind, not JSON)', async () => {
    await writeFile(
      historyFileIn(dir.path),
      '{"id":"a","at":"2026-03-01T00:00:00.000Z","kind":"bogus","summary":"x"}\nnot json\n{"id":"b","at":"2026-03-01T00:00:00.000Z","kind":"catch-up","summary":"ok"}\n',
    );
    const store = open();
    expect((await store.query({})).map((e) => e.id)).toEqual(['b']);
    expect(store.skippedLines).toBe(2);
  });

  it('stays bounded: compacts to the newest events when it grows past the limit', async () => {
    const store = open({ maxEvents: 10, keepEvents: 6 });
    for (let i = 0; i < 11; i++) await store.append({ kind: 'slot-skipped', summary: `e${i}` });
    const lines = (await readFile(historyFileIn(dir.path), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect((await open({ maxEvents: 10 }).query({})).map((e) => e.summary)).toEqual(['e10', 'e9', 'e8', 'e7', 'e6', 'e5']);
    await store.append({ kind: 'slot-skipped', summary: 'e11' });
    expect((await open({ maxEvents: 10 }).query({ limit: 2 })).map((e) => e.summary)).toEqual(['e11', 'e10']);
  });

  it('concurrent appends are all kept, in call order', async () => {
    const store = open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append({ kind: 'catch-up', summary: `c${i}` })));
    const read = await open().query({});
    expect(read.map((e) => e.summary)).toEqual(Array.from({ length: 20 }, (_, i) => `c${19 - i}`));
  });

  it('scrubs registered secrets from texts', async () => {
    registerSecret('Sup3rSecretPw!');
    const store = open();
    await store.append({ kind: 'run-finished', summary: 'failed: logon as Sup3rSecretPw! refused', reason: 'Sup3rSecretPw!' });
    const text = await readFile(historyFileIn(dir.path), 'utf8');
    expect(text).not.toContain('Sup3rSecretPw!');
  });

  it('notifies each append and rejects an unknown kind', async () => {
    const seen: string[] = [];
    const store = open({ onAppend: (e) => seen.push(e.kind) });
    await store.append({ kind: 'certificate-changed', summary: 'rotated' });
    await expect(store.append({ kind: 'nope' as 'catch-up', summary: 'x' })).rejects.toThrow(/not a timeline event/);
    expect(seen).toEqual(['certificate-changed']);
  });
});

describe('HistoryStore ordering and location', () => {
  it('sorts by event time, so a skipped slot recorded late appears at its slot time', async () => {
    const store = open();
    await store.append({ kind: 'run-finished', summary: 'ran', at: '2026-03-01T12:00:00.000Z' });
    await store.append({ kind: 'slot-skipped', summary: 'slot', at: '2026-03-01T06:00:00.000Z' });
    await store.append({ kind: 'catch-up', summary: 'catch', at: '2026-03-01T12:00:00.000Z' });
    expect((await store.query({})).map((e) => e.summary)).toEqual(['catch', 'ran', 'slot']);
  });

  it('creates the config dir on first append', async () => {
    const store = new HistoryStore({ file: historyFileIn(`${dir.path}/nested/config`), clock });
    await store.append({ kind: 'settings-changed', summary: 'x' });
    expect(await store.query({})).toHaveLength(1);
  });
});

describe('HistoryStore shared by processes (two stores on one file)', () => {
  it('sees what another store appended, announces it once, and does not announce its own appends', async () => {
    const elsewhere: string[] = [];
    const own: string[] = [];
    const a = open({ onAppend: (e) => own.push(e.summary), onAppendedElsewhere: (e) => elsewhere.push(e.summary) });
    const b = open();
    await a.append({ kind: 'settings-changed', summary: 'a1' });
    await b.append({ kind: 'settings-changed', summary: 'b1' });
    await clock.advance(1000);
    await b.append({ kind: 'catch-up', summary: 'b2' });

    expect((await a.query({})).map((e) => e.summary)).toEqual(['b2', 'b1', 'a1']);
    expect(await a.findNewest((e) => e.kind === 'catch-up')).toMatchObject({ summary: 'b2' });
    await a.append({ kind: 'settings-changed', summary: 'a2' });
    await a.refresh();
    expect((await a.query({})).map((e) => e.summary)).toEqual(['a2', 'b2', 'b1', 'a1']);
    expect(elsewhere).toEqual(['b1', 'b2']);
    expect(own).toEqual(['a1', 'a2']);
    expect((await b.query({})).map((e) => e.summary)).toEqual(['a2', 'b2', 'b1', 'a1']);
  });

  it('reads the file again in full when another store compacted it, announcing only the events it did not know', async () => {
    const elsewhere: string[] = [];
    const a = open({ maxEvents: 10, keepEvents: 6, onAppendedElsewhere: (e) => elsewhere.push(e.summary) });
    const b = open({ maxEvents: 10, keepEvents: 6 });
    for (let i = 0; i < 8; i++) await a.append({ kind: 'slot-skipped', summary: `a${i}` });
    // B appends past the limit and compacts: the file is replaced by a shorter one.
    for (let i = 0; i < 3; i++) await b.append({ kind: 'slot-skipped', summary: `b${i}` });
    expect((await readFile(historyFileIn(dir.path), 'utf8')).trimEnd().split('\n')).toHaveLength(6);

    expect((await a.query({})).map((e) => e.summary)).toEqual(['b2', 'b1', 'b0', 'a7', 'a6', 'a5']);
    expect(elsewhere).toEqual(['b0', 'b1', 'b2']);
    // A goes on appending to the compacted file from where it now stands.
    await a.append({ kind: 'slot-skipped', summary: 'a8' });
    expect((await open().query({})).map((e) => e.summary)).toEqual(['a8', 'b2', 'b1', 'b0', 'a7', 'a6', 'a5']);
    expect(elsewhere).toEqual(['b0', 'b1', 'b2']);
  });

  it('loses no event when two processes append at once while one of them compacts', async () => {
    // Two stores stand for two processes: each appends while the other may be compacting.
    const a = open({ maxEvents: 6, keepEvents: 4 });
    const b = open({ maxEvents: 6, keepEvents: 4 });
    for (let round = 0; round < 40; round++) {
      await Promise.all([a.append({ kind: 'catch-up', summary: `a${round}` }), b.append({ kind: 'catch-up', summary: `b${round}` })]);
      const kept = (await open({ maxEvents: 6 }).query({})).map((e) => e.summary);
      expect(kept).toEqual(expect.arrayContaining([`a${round}`, `b${round}`]));
    }
  });

  it('takes a line another process is still writing once it is complete, exactly once', async () => {
    const elsewhere: string[] = [];
    const a = open({ onAppendedElsewhere: (e) => elsewhere.push(e.summary) });
    await a.append({ kind: 'settings-changed', summary: 'a1' });
    const line = JSON.stringify({ id: 'other-1', at: '2026-03-01T00:00:00.000Z', kind: 'catch-up', summary: 'other' });
    await appendFile(historyFileIn(dir.path), line.slice(0, 25));

    expect((await a.query({})).map((e) => e.summary)).toEqual(['a1']);
    expect(a.skippedLines).toBe(0);
    await appendFile(historyFileIn(dir.path), `${line.slice(25)}\n`);
    expect((await a.query({})).map((e) => e.summary)).toEqual(['other', 'a1']);
    await a.refresh();
    expect((await a.query({})).map((e) => e.summary)).toEqual(['other', 'a1']);
    expect(elsewhere).toEqual(['other']);
    expect(a.skippedLines).toBe(0);
  });

  it('reads in full a file replaced by one that does not continue what it read, and an emptied one', async () => {
    const a = open();
    await a.append({ kind: 'settings-changed', summary: 'a1' });
    await a.append({ kind: 'settings-changed', summary: 'a2' });
    // Rewritten in place, longer than before, without the lines A read (an edit by hand): same file, other content.
    const replacement = ['r1', 'r2', 'r3'].map((summary, i) =>
      JSON.stringify({ id: `r${i}`, at: '2026-03-01T00:00:00.000Z', kind: 'catch-up', summary: `${summary}-${'x'.repeat(40)}` }),
    );
    await writeFile(historyFileIn(dir.path), `${replacement.join('\n')}\n`);
    expect((await a.query({})).map((e) => e.id)).toEqual(['r2', 'r1', 'r0']);
    await writeFile(historyFileIn(dir.path), '');
    expect(await a.query({})).toEqual([]);
  });
});
