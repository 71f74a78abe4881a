import { describe, expect, it } from 'vitest';
import type { BackupState } from '../../../preload/api';
import { applyRetention, type RetentionTarget } from '../../../main/engine/retention/apply-retention';
import type { OwnKeys, RetainedBackup } from '../../../main/engine/retention/retention-policy';
import {
  foreignKeys,
  newestSuccessful,
  planRetention,
  previewRetention,
  withExpiry,
} from '../../../main/engine/retention/retention-policy';
import type { NewTimelineEvent } from '../../../main/engine/history/timeline-sink';
import { FakeClock } from '../../support/fake-clock';
import { notFoundError } from '../../../main/engine/share/share-errors';

const NOW = new Date('2026-03-20T12:00:00.000Z');
const DAY = 86_400_000;
const CERT_A = 'A'.repeat(40);
const CERT_B = 'B'.repeat(40);
const OURS: OwnKeys = { thumbprints: new Set([CERT_A]), legacyKeyIds: new Set() };
let seq = 0;

function backup(daysAgo: number, state: BackupState = 'Succeeded', certificateThumbprint: string | null = CERT_A): RetainedBackup {
  const completed = new Date(NOW.getTime() - daysAgo * DAY);
  const stamp = completed
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const id = `${stamp}-${(seq++).toString(16).padStart(6, '0')}`;
  const created = new Date(completed.getTime() - 20 * 60_000).toISOString();
  return {
    backupId: id,
    createdAt: created,
    completedAt: state === 'Creating' ? null : completed.toISOString(),
    state,
    certificateThumbprint,
  };
}

const plan = (backups: RetainedBackup[], retentionDays = 7, ownKeys = OURS) => planRetention({ backups, retentionDays, now: NOW, ownKeys });

describe('retention policy', () => {
  it('deletes complete backups older than the period, oldest first, and keeps the rest', () => {
    const old1 = backup(10);
    const old2 = backup(8, 'Failed');
    const recent = backup(2);
    const newest = backup(0.5);
    const planned = plan([recent, old1, newest, old2]);
    expect(planned.toDelete.map((b) => b.backupId)).toEqual([old1.backupId, old2.backupId]);
    expect(planned.keptNewest).toEqual([]);
  });

  it('a backup exactly at the period boundary is kept', () => {
    expect(plan([backup(7), backup(1)]).toDelete).toEqual([]);
  });

  it('never deletes the newest successful backup, even when it is older than the period', () => {
    const lastGood = backup(20);
    const olderGood = backup(25);
    const failures = [backup(15, 'Failed'), backup(3, 'Failed'), backup(1, 'Failed')];
    const planned = plan([olderGood, lastGood, ...failures]);
    expect(planned.keptNewest.map((b) => b.backupId)).toEqual([lastGood.backupId]);
    expect(planned.toDelete.map((b) => b.backupId)).toEqual([olderGood.backupId, failures[0]?.backupId]);
  });

  it('PartialSucceeded does not displace a Succeeded backup as the one kept, but is kept when nothing succeeded', () => {
    const good = backup(12);
    const partial = backup(9, 'PartialSucceeded');
    expect(newestSuccessful([good, partial])?.backupId).toBe(good.backupId);
    expect(plan([good, partial]).toDelete.map((b) => b.backupId)).toEqual([partial.backupId]);
    const onlyPartial = backup(30, 'PartialSucceeded');
    expect(plan([onlyPartial, backup(20, 'Failed')]).keptNewest.map((b) => b.backupId)).toEqual([onlyPartial.backupId]);
  });

  it('never judges running backups or Unknown entries by age', () => {
    const running = backup(30, 'Creating');
    const queued = { ...backup(30), state: 'Queued' as const };
    const unknown = { ...backup(30, 'Unknown', null) };
    expect(plan([running, queued, unknown, backup(1)], 2).toDelete).toEqual([]);
  });

  it('keeps the newest Succeeded backup of EVERY certificate this console knows, and deletes none of a certificate it does not', () => {
    // Console A (certificates A then C, after a rotation) shares the location with console B (certificate B).
    const CERT_C = 'C'.repeat(40);
    const ours: OwnKeys = { thumbprints: new Set([CERT_A, CERT_C]), legacyKeyIds: new Set() };
    const aOld = backup(30, 'Succeeded', CERT_A);
    const aLast = backup(20, 'Succeeded', CERT_A);
    const cLast = backup(10, 'Succeeded', CERT_C);
    const cFailedLater = backup(9, 'Failed', CERT_C);
    const bOld = backup(40, 'Succeeded', CERT_B);
    const bNewest = backup(8, 'Succeeded', CERT_B);
    const planned = plan([aOld, aLast, cLast, cFailedLater, bOld, bNewest], 7, ours);
    // B's newer backup (A's .pfx cannot open it) does not make A's and C's last restorable ones deletable.
    expect(planned.keptNewest.map((b) => b.backupId)).toEqual([cLast.backupId, aLast.backupId]);
    expect(planned.toDelete.map((b) => b.backupId)).toEqual([aOld.backupId, cFailedLater.backupId]);
    expect(planned.foreign.map((b) => b.backupId).sort()).toEqual([bOld.backupId, bNewest.backupId].sort());
    expect(foreignKeys([aOld, bOld, bNewest], ours)).toEqual(
      new Map([[`unsigned, certificate ${CERT_B}`, [bOld.backupId, bNewest.backupId]]]),
    );
    const expiries = withExpiry([aOld, aLast, bOld], 7, ours).map((b) => b.expiresAt);
    expect(expiries).toEqual([new Date(Date.parse(aOld.completedAt ?? '') + 7 * DAY).toISOString(), null, null]);
  });

  it('legacy-key backups are ours only when made with the legacy key this console holds', () => {
    const mine = { ...backup(30, 'Failed', null), legacyKeyId: '0123456789abcdef' };
    const theirs = { ...backup(30, 'Failed', null), legacyKeyId: 'fedcba9876543210' };
    const unnamed = backup(30, 'Failed', null);
    const planned = plan([mine, theirs, unnamed, backup(1)], 7, {
      thumbprints: new Set([CERT_A]),
      legacyKeyIds: new Set(['0123456789abcdef']),
    });
    expect(planned.toDelete.map((b) => b.backupId)).toEqual([mine.backupId]);
    expect(planned.foreign.map((b) => b.backupId)).toEqual([theirs.backupId, unnamed.backupId]);
  });

  it('with signing: a backup is ours when our station key signed it; signed by another station, or unsigned since we sign, it is not', () => {
    const ours: OwnKeys = {
      thumbprints: new Set([CERT_A]),
      legacyKeyIds: new Set(),
      signingKeys: new Set(['OURKEY']),
      signingSince: '2026-02-01T00:00:00.000Z',
    };
    const signedByUs = { ...backup(30), signedBy: 'OURKEY' };
    // Same certificate, another console (its own station key): two consoles sharing one certificate.
    const otherConsole = { ...backup(29), signedBy: 'THEIRKEY' };
    const unsignedOld = backup(60); // before we began signing: judged by its certificate
    const unsignedForged = backup(20); // dated after we began signing, unsigned: anyone with the .cer could write it
    const newest = { ...backup(1), signedBy: 'OURKEY' };
    const planned = plan([signedByUs, otherConsole, unsignedOld, unsignedForged, newest], 7, ours);
    expect(planned.toDelete.map((b) => b.backupId)).toEqual([unsignedOld.backupId, signedByUs.backupId]);
    expect(planned.foreign.map((b) => b.backupId)).toEqual([otherConsole.backupId, unsignedForged.backupId]);
    // A forged unsigned "newest" backup (our public .cer, a late date) never displaces our own newest as the one kept.
    const forgedNewest = backup(0.1);
    const onlyOld = { ...backup(20), signedBy: 'OURKEY' };
    expect(plan([onlyOld, forgedNewest], 7, ours).keptNewest.map((b) => b.backupId)).toEqual([onlyOld.backupId]);
    expect([...foreignKeys([otherConsole, unsignedForged], ours).keys()]).toEqual([
      'station key THEIRKEY',
      `unsigned, certificate ${CERT_A}`,
    ]);
  });

  it('removes .partial folders with no live lock, keeps the live one, and finishes every .deleting folder', () => {
    const planned = planRetention({
      backups: [],
      partials: [
        { backupId: '20260319T100000Z-aaaaaa', lockLive: false },
        { backupId: '20260320T115900Z-bbbbbb', lockLive: true },
      ],
      deleting: ['20260301T000000Z-cccccc'],
      retentionDays: 7,
      now: NOW,
      ownKeys: OURS,
    });
    expect(planned.partialsToDelete).toEqual(['20260319T100000Z-aaaaaa']);
    expect(planned.deletingToFinish).toEqual(['20260301T000000Z-cccccc']);
  });

  it('preview equals the plan, as the RetentionPreview view, with why each old backup is kept', () => {
    const backups = [backup(14), backup(6), backup(4, 'Failed'), backup(1), backup(30, 'Succeeded', CERT_B)];
    const preview = previewRetention({ backups, retentionDays: 3, now: NOW, ownKeys: OURS });
    expect(preview.toDelete.map((b) => b.backupId)).toEqual(plan(backups, 3).toDelete.map((b) => b.backupId));
    expect(preview.toDelete).toHaveLength(3);
    expect(preview.toDelete[0]).toEqual({ backupId: backups[0]?.backupId, completedAt: backups[0]?.completedAt, state: 'Succeeded' });
    expect(preview.keptNewestSuccessful).toBeNull();
    expect(preview.kept).toEqual([{ backupId: backups[4]?.backupId, reason: expect.stringContaining('not provably this console') }]);
  });

  it('expiry dates: completion + period; none for the newest successful or a running backup', () => {
    const a = backup(3);
    const b = backup(1);
    const c = backup(0, 'Creating');
    expect(withExpiry([a, b, c], 7, OURS).map((x) => x.expiresAt)).toEqual([new Date(NOW.getTime() + 4 * DAY).toISOString(), null, null]);
  });
});

/** A share in memory for applyRetention: folder names, operations logged; some can be made to fail. */
function memoryTarget(names: string[]) {
  const folders = new Set(names.map((n) => `MASBackup/${n}`));
  const log: string[] = [];
  const failing = new Map<string, Error>();
  const target: RetentionTarget = {
    rename: async (from, to) => {
      if (failing.has(from)) throw failing.get(from);
      if (!folders.has(from)) throw notFoundError(from);
      if (folders.has(to)) throw new Error('NT_STATUS_OBJECT_NAME_COLLISION');
      log.push(`rename ${from} → ${to}`);
      folders.delete(from);
      folders.add(to);
    },
    deleteTree: async (path) => {
      if (failing.has(path)) throw failing.get(path);
      log.push(`delete ${path}`);
      folders.delete(path);
    },
  };
  return { target, folders, log, failing };
}

describe('applyRetention', () => {
  function recorder() {
    const events: NewTimelineEvent[] = [];
    return { events, timeline: { append: (e: NewTimelineEvent) => void events.push(e) } };
  }

  it('unpublishes each expired backup by renaming it to <id>.deleting, then removes that; records each on the timeline', async () => {
    const backups = [backup(9), backup(8, 'Failed'), backup(1)];
    const planned = planRetention({
      backups,
      partials: [{ backupId: '20260319T100000Z-cccccc', lockLive: false }],
      retentionDays: 7,
      now: NOW,
      ownKeys: OURS,
    });
    const share = memoryTarget([...backups.map((b) => b.backupId), '20260319T100000Z-cccccc.partial']);
    const { events, timeline } = recorder();
    const outcome = await applyRetention(share.target, planned, { timeline, clock: new FakeClock(NOW) });
    const [first, second] = backups.map((b) => b.backupId);
    expect(outcome.deleted).toEqual([first, second]);
    expect(share.log).toEqual([
      `rename MASBackup/${first} → MASBackup/${first}.deleting`,
      `delete MASBackup/${first}.deleting`,
      `rename MASBackup/${second} → MASBackup/${second}.deleting`,
      `delete MASBackup/${second}.deleting`,
      'delete MASBackup/20260319T100000Z-cccccc.partial',
    ]);
    expect([...share.folders]).toEqual([`MASBackup/${backups[2]?.backupId}`]);
    expect(events.map((e) => e.kind)).toEqual(['retention-deleted', 'retention-deleted', 'retention-deleted']);
    expect(events[0]?.backupId).toBe(first);
    expect(outcome.failures).toEqual([]);
  });

  it('a removal that fails after the rename leaves a .deleting folder (never listed), which the next pass finishes', async () => {
    const old = backup(9);
    const share = memoryTarget([old.backupId]);
    share.failing.set(`MASBackup/${old.backupId}.deleting`, new Error('NT_STATUS_SHARING_VIOLATION'));
    const first = await applyRetention(share.target, plan([old, backup(1)]), { ...recorder(), clock: new FakeClock(NOW) });
    expect(first.deleted).toEqual([]);
    expect(first.failures).toEqual([{ target: `${old.backupId}.deleting`, message: 'NT_STATUS_SHARING_VIOLATION' }]);
    expect([...share.folders]).toEqual([`MASBackup/${old.backupId}.deleting`]);
    share.failing.clear();
    const next = planRetention({ backups: [], deleting: [old.backupId], retentionDays: 7, now: NOW, ownKeys: OURS });
    const second = await applyRetention(share.target, next, { ...recorder(), clock: new FakeClock(NOW) });
    expect(second.deletionsFinished).toEqual([old.backupId]);
    expect([...share.folders]).toEqual([]);
  });

  it('turns a failed deletion into a failure (not an exception), scrubbed, and goes on with the rest', async () => {
    const backups = [backup(10), backup(9), backup(0)];
    const share = memoryTarget(backups.map((b) => b.backupId));
    share.failing.set(`MASBackup/${backups[0]?.backupId}`, new Error('NT_STATUS_ACCESS_DENIED password=hunter22'));
    const { events, timeline } = recorder();
    const outcome = await applyRetention(share.target, plan(backups), { timeline, clock: new FakeClock(NOW) });
    expect(outcome.deleted).toEqual([backups[1]?.backupId]);
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.target).toBe(backups[0]?.backupId);
    expect(outcome.failures[0]?.message).not.toContain('hunter22');
    expect(events).toHaveLength(1);
  });

  it('refuses names that are not backup ids of this console', async () => {
    const share = memoryTarget([]);
    const planned = {
      retentionDays: 7,
      toDelete: [backup(9), { ...backup(9), backupId: '../Operator data' }].slice(1),
      partialsToDelete: ['x/../../y'],
      deletingToFinish: ['..'],
      keptNewest: [],
      foreign: [],
    };
    const outcome = await applyRetention(share.target, planned, { ...recorder(), clock: new FakeClock(NOW) });
    expect(share.log).toEqual([]);
    expect(outcome.failures.map((f) => f.target)).toEqual(['...deleting', '../Operator data', 'x/../../y.partial']);
  });
});
