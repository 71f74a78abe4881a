import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import type { BackupDetail } from '../../../preload/api';
import { useBackupsStore } from '../../../renderer/src/stores/backups';
import { useEssentialsStore } from '../../../renderer/src/stores/essentials';
import { useAlertsStore } from '../../../renderer/src/stores/alerts';
import { useRecoveryStore } from '../../../renderer/src/stores/recovery';
import { connectEngineEvents } from '../../../renderer/src/stores/events';
import { ApiCallError } from '../../../renderer/src/api';
import { freshStores, type FakeTransport } from './fake-transport';
import { CONFIGURED, UNCONFIGURED, backup, essentialsOf, jobOf } from './views';

describe('backups store', () => {
  let engine: FakeTransport;
  beforeEach(() => {
    engine = freshStores();
  });

  it('an unconfigured console has no backups and no error, and Backup now says why it cannot run', async () => {
    engine
      .answer('getEssentials', () => essentialsOf(UNCONFIGURED))
      .answer('getTimeline', () => [])
      .fail('listBackups', { code: 'not-configured', message: 'Backup is not configured yet.' })
      .answer('getActiveJob', () => null);
    const backups = useBackupsStore();
    await useEssentialsStore().refresh();
    await backups.refresh();
    expect(backups.backups).toEqual([]);
    expect(backups.error).toBeNull();
    expect(backups.backupNowBlocked).toBe('configure backup first.');
  });

  it('a listing failure of a configured console is shown; Backup now is blocked while a job runs', async () => {
    const job = jobOf();
    engine
      .answer('getEssentials', () => essentialsOf(CONFIGURED))
      .answer('getTimeline', () => [])
      .fail('listBackups', { code: 'share', category: 'connectivity', message: 'The file share cannot be reached.' })
      .answer('getActiveJob', () => job);
    const backups = useBackupsStore();
    await useEssentialsStore().refresh();
    await backups.refresh();
    expect(backups.error?.message).toBe('The file share cannot be reached.');
    expect(backups.backupNowBlocked).toBe('a backup is running.');
  });
});

describe('a cancelled backup', () => {
  it('says Cancelling from the job state, and ends as cancelled, not as a failure', async () => {
    const engine = freshStores();
    engine.answer('listBackups', () => []).answer('getActiveJob', () => null);
    const backups = useBackupsStore();
    const job = jobOf({ component: 'identity', bytesDone: 10, bytesTotal: 100, bytesPerSecond: 1, etaSeconds: 90 });
    backups.onProgress(job);
    expect(backups.jobCancelling).toBe(false);
    // Cancel accepted by another front door: the job's own state says so.
    backups.onProgress({ ...job, state: 'Cancelling' });
    expect(backups.jobCancelling).toBe(true);
    backups.onFinished(
      { ...backup(job.backupId, 0, 'Cancelled') },
      new ApiCallError({
        code: 'cancelled',
        message: 'The backup was cancelled by the operator; nothing of it was kept.',
        remediation: '',
      }),
    );
    expect(backups.activeJob).toBeNull();
    expect(backups.jobCancelling).toBe(false);
    expect(backups.lastCancelled).toBe(true);

    backups.onFinished(null, new ApiCallError({ code: 'share', message: 'The file share cannot be reached.', remediation: '' }));
    expect(backups.lastCancelled).toBe(false);
  });
});

describe('replies that were in flight while the job moved on', () => {
  const queued = jobOf({ state: 'Queued' });

  it("Backup now's Queued reply does not hide the Running the job's event already said", async () => {
    const engine = freshStores();
    engine.answer('getActiveJob', () => null).answer('listBackups', () => []);
    connectEngineEvents();
    // The event stream outruns the reply: the job says Running before Backup now's answer (its first progress) arrives.
    engine.answer('startBackup', () => {
      engine.emit({ type: 'job-progress', progress: { ...queued, state: 'Creating' } });
      return queued;
    });
    const backups = useBackupsStore();
    await backups.backupNow();
    expect(backups.activeJob?.state).toBe('Creating');
  });

  it('a job that ended before the reply to Backup now, or to a job check, shows its end, not a running card', async () => {
    const engine = freshStores();
    engine
      .answer('getActiveJob', () => null)
      .answer('listBackups', () => [])
      .answer('getEssentials', () => essentialsOf(CONFIGURED));
    connectEngineEvents();
    engine.answer('startBackup', () => {
      engine.emit({ type: 'job-finished', jobId: queued.jobId, backup: backup(queued.backupId), error: null });
      return queued;
    });
    const backups = useBackupsStore();
    await backups.backupNow();
    expect(backups.activeJob).toBeNull();
    expect(backups.lastFinished?.backup?.backupId).toBe(queued.backupId);

    // A listing asked while the job ran answers after its end (the refresh the end starts answers null).
    engine.answer('getActiveJob', () => {
      engine.answer('getActiveJob', () => null);
      engine.emit({ type: 'job-finished', jobId: queued.jobId, backup: backup(queued.backupId), error: null });
      return { ...queued, state: 'Creating' };
    });
    await backups.refresh();
    expect(backups.activeJob).toBeNull();
  });
});

describe('deletions by retention', () => {
  const rows = (backups: ReturnType<typeof useBackupsStore>) => backups.backups.map((row) => [row.backupId, row.deleting ?? false]);
  const [newest, old1, old2] = ['20261129T000000Z-aaaaaa', '20261119T000000Z-bbbbbb', '20261118T000000Z-cccccc'];

  it('mark the rows Deleting at once; they leave with the listing after backups-deleted, and a slow older listing does not bring them back', async () => {
    const engine = freshStores();
    engine.answer('getActiveJob', () => null).answer('listBackups', () => [backup(newest), backup(old1), backup(old2)]);
    const backups = useBackupsStore();
    await backups.refresh();
    connectEngineEvents();

    // The listing started by backups-deleting answers only after the one started by backups-deleted.
    let answerSlowListing: () => void = () => undefined;
    engine.answer(
      'listBackups',
      () =>
        new Promise((resolve) => {
          answerSlowListing = () => resolve([backup(newest), { ...backup(old1), deleting: true }, { ...backup(old2), deleting: true }]);
        }),
    );
    engine.emit({ type: 'backups-deleting', backupIds: [old1, old2] });
    expect(rows(backups)).toEqual([
      [newest, false],
      [old1, true],
      [old2, true],
    ]);

    let answerListing: () => void = () => undefined;
    engine.answer('listBackups', () => new Promise((resolve) => (answerListing = () => resolve([backup(newest), backup(old2)]))));
    engine.emit({ type: 'backups-deleted', backupIds: [old1], failed: [old2] });
    // Both events in one read of the stream: what is rendered next still shows the deleted row as Deleting.
    await nextTick();
    expect(rows(backups)).toEqual([
      [newest, false],
      [old1, true],
      [old2, false],
    ]);
    answerListing();
    await vi.waitFor(() => expect(backups.loading).toBe(false));
    expect(rows(backups)).toEqual([
      [newest, false],
      [old2, false],
    ]);
    answerSlowListing();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(backups.backups.map((row) => row.backupId)).toEqual([newest, old2]);
  });

  it('when the share cannot be listed after backups-deleted, the deleted rows go anyway', async () => {
    const engine = freshStores();
    engine.answer('getActiveJob', () => null).answer('listBackups', () => [backup(newest), backup(old1)]);
    const backups = useBackupsStore();
    await backups.refresh();
    connectEngineEvents();
    engine.fail('listBackups', { code: 'share', message: 'The file share cannot be reached.' });
    engine.emit({ type: 'backups-deleting', backupIds: [old1] });
    engine.emit({ type: 'backups-deleted', backupIds: [old1], failed: [] });
    await vi.waitFor(() => expect(rows(backups)).toEqual([[newest, false]]));
    expect(backups.error?.code).toBe('share');
  });
});

describe('a job that ends unseen', () => {
  it('is noticed without its events: while a job runs the store asks, follows its state, and refreshes when it has ended', async () => {
    vi.useFakeTimers();
    try {
      const engine = freshStores();
      const job = jobOf({ state: 'Queued' });
      engine
        .answer('startBackup', () => job)
        .answer('getActiveJob', () => ({ ...job, state: 'Creating' }))
        .answer('listBackups', () => [backup(job.backupId)])
        .answer('getEssentials', () => essentialsOf(CONFIGURED))
        .answer('getTimeline', () => []);
      const backups = useBackupsStore();
      await backups.backupNow();
      expect(backups.activeJob).toEqual(job);
      // Its Running event was missed (the stream reconnecting): the check brings the card up to date.
      await vi.advanceTimersByTimeAsync(3000);
      expect(backups.activeJob?.state).toBe('Creating');
      engine.answer('getActiveJob', () => null);
      await vi.advanceTimersByTimeAsync(3000);
      expect(backups.activeJob).toBeNull();
      expect(backups.backups.map((entry) => entry.backupId)).toEqual([job.backupId]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('recovery store: verify and restore with progress and cancel', () => {
  let engine: FakeTransport;
  const detail: BackupDetail = {
    ...backup('20261120T100000Z-abcdef'),
    durationSeconds: 180,
    components: [
      { name: 'identity', state: 'Succeeded', sourceBytes: 10, storedBytes: 12 },
      { name: 'keyvault', state: 'Failed', sourceBytes: 0, storedBytes: 0, error: 'exit 1' },
    ],
    backupInfo: {
      backupDataVersion: '2',
      stampVersion: null,
      deploymentID: null,
      oemVersion: null,
      timeTakenToCreate: 'PT3M',
      roleStatus: [
        { roleName: 'identity', status: 'Succeeded' },
        { roleName: 'keyvault', status: 'Failed' },
      ],
    },
  };
  beforeEach(() => {
    engine = freshStores();
    engine.answer('getBackup', () => detail);
  });

  it('offers only components that hold data', async () => {
    const recovery = useRecoveryStore();
    await recovery.prepare('restore', detail.backupId);
    expect(recovery.restorableComponents.map((component) => component.name)).toEqual(['identity']);
  });

  it("follows the restore's progress by the id it chose, cancels it by that id, and keeps no key", async () => {
    let finish: (error: boolean) => void = () => undefined;
    engine.answer(
      'restoreBackup',
      () =>
        new Promise((resolve, reject) => {
          finish = (cancelled) =>
            cancelled
              ? reject(new Error('unreachable'))
              : resolve({
                  backupId: detail.backupId,
                  targetFolder: '/srv/restore',
                  signer: { status: 'this-console', publicKey: 'AAAA', detail: 'signed by this console' },
                  components: [],
                });
        }),
    );
    engine.fail('cancelOperation', { code: 'invalid-input' });
    const recovery = useRecoveryStore();
    const stop = connectEngineEvents();
    await recovery.prepare('restore', detail.backupId);
    const running = recovery.restore({
      backupId: detail.backupId,
      targetFolder: ' /srv/restore ',
      component: 'identity',
      key: { kind: 'pfx', pfxBase64: 'UEZY', password: 'pfx password' },
    });
    const sent = engine.inputsOf('restoreBackup')[0]!;
    expect(sent).toMatchObject({ targetFolder: '/srv/restore', component: 'identity' });
    expect(sent.operationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(recovery.phase).toBe('running');

    const progress = {
      operationId: sent.operationId!,
      kind: 'restore' as const,
      backupId: detail.backupId,
      component: 'identity',
      bytesDone: 6,
      bytesTotal: 12,
      bytesPerSecond: 3,
      etaSeconds: 2,
    };
    engine.emit({ type: 'operation-progress', progress: { ...progress, operationId: 'someone-else' } });
    expect(recovery.progress).toBeNull();
    engine.emit({ type: 'operation-progress', progress });
    expect(recovery.progress).toEqual(progress);

    engine.answer('cancelOperation', () => undefined);
    await recovery.cancel();
    expect(engine.inputsOf('cancelOperation')).toEqual([{ operationId: sent.operationId }]);
    expect(recovery.cancelling).toBe(true);
    expect(JSON.stringify(recovery.$state)).not.toContain('pfx password');

    finish(false);
    await running;
    expect(recovery.phase).toBe('done');
    expect(recovery.cancelling).toBe(false);
    stop();
  });

  it('a cancelled verify ends as failed with the engine saying so', async () => {
    engine.fail('verifyBackup', { code: 'cancelled', message: 'The verification was cancelled.' });
    const recovery = useRecoveryStore();
    await recovery.prepare('verify', detail.backupId);
    await recovery.verify(detail.backupId);
    expect(recovery.phase).toBe('failed');
    expect(recovery.error?.code).toBe('cancelled');
    expect(engine.inputsOf('verifyBackup')[0]).toEqual({ backupId: detail.backupId, operationId: expect.any(String) });
  });

  it('every run clears the previous result, and sends a trusted signer only when one is typed', async () => {
    const signer = { status: 'this-console' as const, publicKey: 'S'.repeat(43) + '=', detail: 'Signed by this console.' };
    engine.answer('verifyBackup', () => ({ backupId: detail.backupId, deep: false, ok: true, signer, components: [] }));
    const recovery = useRecoveryStore();
    await recovery.prepare('verify', detail.backupId);
    await recovery.verify(detail.backupId);
    expect(recovery.verifyResult?.ok).toBe(true);

    let fail: () => void = () => undefined;
    engine.answer('verifyBackup', () => new Promise((_resolve, reject) => (fail = () => reject(new Error('share gone')))));
    const second = recovery.verify(detail.backupId, undefined, `  ${signer.publicKey} `);
    // While the second run runs, the first run's green result is gone.
    expect(recovery.verifyResult).toBeNull();
    expect(engine.inputsOf('verifyBackup')[1]).toEqual({
      backupId: detail.backupId,
      operationId: expect.any(String),
      trustSigner: signer.publicKey,
    });
    fail();
    await second;
    expect(recovery.phase).toBe('failed');
    expect(recovery.verifyResult).toBeNull();

    engine.answer('restoreBackup', () => ({ backupId: detail.backupId, targetFolder: '/srv/r', signer, components: [] }));
    await recovery.restore({
      backupId: detail.backupId,
      targetFolder: '/srv/r',
      component: null,
      key: { kind: 'pfx', pfxBase64: 'UEZY', password: 'p' },
      trustSigner: ' ',
    });
    expect(engine.inputsOf('restoreBackup')[0]).not.toHaveProperty('trustSigner');
  });
});

describe('essentials store', () => {
  it('keeps the newest answer: a slow older one (a backup still running) does not replace it', async () => {
    const engine = freshStores();
    const running = { ...essentialsOf(CONFIGURED), activeJob: null };
    let answerOld: () => void = () => undefined;
    engine.answer(
      'getEssentials',
      () =>
        new Promise((resolve) => {
          answerOld = () =>
            resolve({
              ...running,
              activeJob: jobOf(),
            });
        }),
    );
    const essentials = useEssentialsStore();
    const old = essentials.refresh();
    engine.answer('getEssentials', () => running);
    await essentials.refresh();
    answerOld();
    await old;
    expect(essentials.essentials?.activeJob).toBeNull();
    expect(essentials.loading).toBe(false);
  });
});

describe('alerts store', () => {
  it('an alerts-changed event is newer than a listing still in flight', async () => {
    const engine = freshStores();
    const stale = {
      id: 'a1',
      kind: 'general' as const,
      severity: 'critical' as const,
      title: 'Backup failed',
      remediation: 'Try again.',
      raisedAt: '2026-11-29T00:00:00.000Z',
    };
    let answer: () => void = () => undefined;
    engine.answer('listAlerts', () => new Promise((resolve) => (answer = () => resolve([stale]))));
    const alerts = useAlertsStore();
    const listing = alerts.refresh();
    // The next success closed it: the event says there is no alert any more.
    alerts.onChanged([]);
    answer();
    await listing;
    expect(alerts.alerts).toEqual([]);
  });

  it('takes a capacity reading as it lands, and an answer that was in flight meanwhile does not bring back the older figure', async () => {
    const engine = freshStores();
    connectEngineEvents();
    const old = { freeBytes: 1, totalBytes: 10, measuredAt: '2026-11-29T00:00:00.000Z', readFailure: null };
    const landed = { freeBytes: 2, totalBytes: 10, measuredAt: '2026-11-29T00:06:00.000Z', readFailure: null };
    engine.answer('getEssentials', () => ({ ...essentialsOf(CONFIGURED), capacity: old }));
    const essentials = useEssentialsStore();
    await essentials.refresh();
    engine.emit({ type: 'capacity-changed', capacity: landed });
    expect(essentials.essentials?.capacity).toEqual(landed);

    let answer: () => void = () => undefined;
    engine.answer(
      'getEssentials',
      () => new Promise((resolve) => (answer = () => resolve({ ...essentialsOf(CONFIGURED), capacity: old }))),
    );
    const inFlight = essentials.refresh();
    const later = { ...landed, freeBytes: 3, measuredAt: '2026-11-29T00:12:00.000Z' };
    engine.emit({ type: 'capacity-changed', capacity: later });
    answer();
    await inFlight;
    expect(essentials.essentials?.capacity).toEqual(later);
  });
});
