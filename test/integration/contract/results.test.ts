import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CONTRACT, apiEvent } from '../../../common/contract/methods';
import type { ApiEvent, ApiMethod } from '../../../preload/api';
import { dispatch } from '../../../main/engine/dispatch';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { backupNow, makeSourceTree, PFX_PASSWORD, succeeded, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';
import { startStampMock, type StampMock } from '../../support/stamp-mock';

/**
 * Results are built by the engine and not re-checked at run time; this runs
 * every method's real result (and every event seen) through its schema, over
 * a local-folder location. The table is keyed by ApiMethod, so a new method
 * does not compile until it has a case here.
 */
describe('every method answers what its result schema says', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  const events: ApiEvent[] = [];
  let backupId = '';
  let stamp: StampMock;

  beforeAll(async () => {
    temp = await makeTempDir();
    const source = join(temp.path, 'source');
    await makeSourceTree(source);
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
      stamp: { timing: { wait: async () => undefined } },
    });
    stamp = await startStampMock();
    engine.onEvent((event) => events.push(event));
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.addSource({ name: 'files', folder: source });
    backupId = succeeded(await backupNow(engine)).backupId;
  });
  afterAll(async () => {
    await engine?.close();
    await stamp?.close();
    await temp?.remove();
  });

  const pfx = () => ({ pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD });
  const cases: Record<ApiMethod, () => Promise<unknown>> = {
    getAppInfo: () => call('getAppInfo', undefined),
    getEssentials: () => call('getEssentials', undefined),
    getSettings: () => call('getSettings', undefined),
    saveSettings: () => call('saveSettings', { frequencyHours: 8 }),
    inspectCertificate: () => call('inspectCertificate', { certificateBase64: testCertificate().cerDer.toString('base64') }),
    getCertificateHistory: () => call('getCertificateHistory', undefined),
    exportSettings: () => call('exportSettings', undefined),
    importSettings: async () => call('importSettings', { document: await call('exportSettings', undefined) }),
    generateCertificate: () =>
      call('generateCertificate', { dnsName: 'results.contoso.com', pfxPassword: PFX_PASSWORD, pfxPasswordConfirm: PFX_PASSWORD }),
    generateLegacyKey: () => call('generateLegacyKey', undefined),
    testShare: () => call('testShare', {}),
    getCapacity: () => call('getCapacity', undefined),
    listSources: () => call('listSources', undefined),
    addSource: () => call('addSource', { name: 'export', folder: temp.path }),
    removeSource: () => call('removeSource', { name: 'export' }),
    startBackup: async () => {
      const finished = new Promise<void>((resolve) => {
        const stop = engine.onEvent((event) => event.type === 'job-finished' && (stop(), resolve()));
      });
      const progress = await call('startBackup', undefined);
      await finished;
      return progress;
    },
    cancelBackup: async () => {
      // A source that waits keeps the job running until it is cancelled, however loaded the machine.
      await engine.station.addCommandSource({ name: 'waits', command: 'sleep 600' });
      try {
        await call('startBackup', undefined);
        return await call('cancelBackup', undefined);
      } finally {
        await engine.station.removeSource('waits');
      }
    },
    getActiveJob: () => call('getActiveJob', undefined),
    listBackups: () => call('listBackups', undefined),
    getBackup: () => call('getBackup', { backupId }),
    verifyBackup: () => call('verifyBackup', { backupId, key: { kind: 'pfx', ...pfx() } }),
    restoreBackup: () => call('restoreBackup', { backupId, targetFolder: join(temp.path, 'restored'), key: { kind: 'pfx', ...pfx() } }),
    checkRecoveryKey: () => call('checkRecoveryKey', pfx()),
    pruneExternalStore: () => call('pruneExternalStore', { operation: 'DryRun' }),
    cancelOperation: async () => {
      // Cancelled from its first progress event, before the restore has read anything.
      const operationId = 'results-cancel';
      let cancelled: Promise<unknown> | null = null;
      const stop = engine.onEvent((event) => {
        if (event.type === 'operation-progress' && event.progress.operationId === operationId)
          cancelled ??= call('cancelOperation', { operationId });
      });
      try {
        const restore = { backupId, targetFolder: join(temp.path, 'cancelled'), key: { kind: 'pfx', ...pfx() }, operationId };
        const outcome = await dispatch(engine, 'restoreBackup', restore);
        expect(outcome.ok ? 'restored' : outcome.error.code).toBe('cancelled');
        return await cancelled;
      } finally {
        stop();
      }
    },
    previewRetention: () => call('previewRetention', { retentionDays: 2 }),
    getSchedule: () => call('getSchedule', undefined),
    getLastRuns: () => call('getLastRuns', undefined),
    setAutomaticBackups: () => call('setAutomaticBackups', { enabled: false }),
    pauseSchedule: () => call('pauseSchedule', { until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'results test' }),
    resumeSchedule: () => call('resumeSchedule', undefined),
    previewFrequency: () => call('previewFrequency', { frequencyHours: 6 }),
    getTimeline: () => call('getTimeline', {}),
    listAlerts: () => call('listAlerts', undefined),
    stampConnect: () =>
      call('stampConnect', {
        adminEndpoint: stamp.url,
        region: stamp.region,
        signIn: { method: 'device-code' },
        trust: { source: 'pem', pem: stamp.pki.caPem },
      }),
    stampGetConnection: () => call('stampGetConnection', undefined),
    stampGetEssentials: () => call('stampGetEssentials', undefined),
    stampSaveSettings: () => call('stampSaveSettings', { backupRetentionPeriodInDays: 5 }),
    stampSetScheduler: () => call('stampSetScheduler', { isBackupSchedulerEnabled: true }),
    stampStartBackup: async () => {
      const operation = await call('stampStartBackup', undefined);
      await engine.whenStampIdle();
      return operation;
    },
    stampListOperations: () => call('stampListOperations', undefined),
    stampListBackups: () => call('stampListBackups', undefined),
    stampPrune: () => call('stampPrune', { operationType: 'DryRun' }),
    stampDisconnect: () => call('stampDisconnect', undefined),
    getNotifications: () => call('getNotifications', undefined),
    setEmailNotifications: () =>
      call('setEmailNotifications', { enabled: false, host: 'smtp.contoso.com', from: 'backup@contoso.com', to: ['ops@contoso.com'] }),
    setWebhookNotifications: () =>
      call('setWebhookNotifications', { enabled: false, url: 'https://hooks.contoso.com/backup', secret: 'results-webhook-secret-0123' }),
    setSystemLogNotifications: () => call('setSystemLogNotifications', { enabled: true }),
    // No system log socket here: the result says why, in the schema's shape.
    testNotifications: () => call('testNotifications', { channel: 'system-log' }),
    // Last: it forgets the location the cases above use.
    clearConfiguration: () => call('clearConfiguration', { confirm: true }),
  };

  /** Through dispatch, as every front door calls; the result is checked against the method's own schema. */
  async function call<M extends ApiMethod>(method: M, input: unknown): Promise<unknown> {
    const result = await dispatch(engine, method, input);
    if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
    const schema = API_CONTRACT[method].result;
    const checked = schema.safeParse(result.value);
    expect(checked.success ? [] : checked.error.issues, `${method} result`).toEqual([]);
    return result.value;
  }

  it.each(Object.keys(cases) as ApiMethod[])('%s', async (method) => {
    await cases[method]();
  });

  it('every event the engine published matches the event schema', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([
        'job-started',
        'job-progress',
        'job-finished',
        'operation-progress',
        'settings-changed',
        'schedule-changed',
        'alerts-changed',
        'capacity-changed',
        'timeline-appended',
        'stamp-sign-in',
        'stamp-operation',
      ]),
    );
    for (const event of events) expect(apiEvent.safeParse(event).error?.issues ?? [], event.type).toEqual([]);
  });
});
