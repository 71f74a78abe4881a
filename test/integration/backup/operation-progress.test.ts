import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiResult, BackupDetail, OperationProgress } from '../../../preload/api';
import { dispatch } from '../../../main/engine/dispatch';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { backupNow, makeSourceTree, PFX_PASSWORD, succeeded, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

/**
 * Verify and restore report what they read from the share (operation-progress
 * events under the caller's operation id) and stop on cancelOperation, leaving
 * nothing behind. Cancels are sent from inside the progress listener, so they
 * land at a known point of the operation, however loaded the machine is.
 */
describe('verify and restore: progress and cancel', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  let backup: BackupDetail;
  const key = () => ({ kind: 'pfx' as const, pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD });

  beforeAll(async () => {
    temp = await makeTempDir();
    await makeSourceTree(join(temp.path, 'source'));
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.addSource({ name: 'files', folder: join(temp.path, 'source') });
    backup = await engine.getBackup({ backupId: succeeded(await backupNow(engine)).backupId });
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  /** Runs a method through dispatch, collecting its operation's progress; `onProgress` may act on each event. */
  async function withProgress<T>(
    operationId: string,
    run: () => Promise<ApiResult<T>>,
    onProgress: (progress: OperationProgress) => void = () => undefined,
  ): Promise<{ result: ApiResult<T>; events: OperationProgress[] }> {
    const events: OperationProgress[] = [];
    const stop = engine.onEvent((event: ApiEvent) => {
      if (event.type !== 'operation-progress' || event.progress.operationId !== operationId) return;
      events.push(event.progress);
      onProgress(event.progress);
    });
    try {
      return { result: await run(), events };
    } finally {
      stop();
    }
  }

  const stored = (): number => backup.components.reduce((sum, component) => sum + component.storedBytes, 0);

  it('a restore reports bytes read of the stored total, never more, ending at the total', async () => {
    const { result, events } = await withProgress('restore-1', () =>
      dispatch(engine, 'restoreBackup', {
        backupId: backup.backupId,
        targetFolder: join(temp.path, 'restored'),
        key: key(),
        operationId: 'restore-1',
      }),
    );
    expect(result.ok).toBe(true);
    expect(events.length).toBeGreaterThan(2);
    expect(events.every((progress) => progress.kind === 'restore' && progress.bytesTotal === stored())).toBe(true);
    expect(events.map((progress) => progress.bytesDone)).toEqual([...events.map((progress) => progress.bytesDone)].sort((a, b) => a - b));
    expect(events.at(-1)?.bytesDone).toBe(stored());
    expect(events.some((progress) => progress.component === 'files')).toBe(true);
  });

  it('a deep verify reports its progress the same way', async () => {
    const { result, events } = await withProgress('verify-1', () =>
      dispatch(engine, 'verifyBackup', { backupId: backup.backupId, key: key(), operationId: 'verify-1' }),
    );
    expect(result.ok && result.value.ok).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'verify', bytesDone: stored(), bytesTotal: stored() });
  });

  it('cancelling a restore half-way fails it with "cancelled" and leaves nothing in the target folder', async () => {
    const target = join(temp.path, 'cancelled-restore');
    let cancelled: Promise<ApiResult<void>> | null = null;
    const { result } = await withProgress(
      'restore-2',
      () => dispatch(engine, 'restoreBackup', { backupId: backup.backupId, targetFolder: target, key: key(), operationId: 'restore-2' }),
      (progress) => {
        if (progress.bytesDone > 0 && !cancelled) cancelled = dispatch(engine, 'cancelOperation', { operationId: 'restore-2' });
      },
    );
    expect(cancelled).not.toBeNull();
    expect((await cancelled!).ok).toBe(true);
    expect(result.ok ? 'restored' : result.error.code).toBe('cancelled');
    // Nothing restored: the folder is empty, or was never made.
    expect(await readdir(target).catch(() => [])).toEqual([]);
    expect((await readdir(temp.path)).filter((name) => name.includes('restore-'))).toEqual([]);
  });

  it('cancelling a verify fails it with "cancelled"', async () => {
    let cancelled: Promise<ApiResult<void>> | null = null;
    const { result } = await withProgress(
      'verify-2',
      () => dispatch(engine, 'verifyBackup', { backupId: backup.backupId, operationId: 'verify-2' }),
      () => {
        cancelled ??= dispatch(engine, 'cancelOperation', { operationId: 'verify-2' });
      },
    );
    expect((await cancelled!).ok).toBe(true);
    expect(result.ok ? 'verified' : result.error.code).toBe('cancelled');
  });

  it('cancelling an operation that is not running says so', async () => {
    const result = await dispatch(engine, 'cancelOperation', { operationId: 'nothing-runs' });
    expect(result.ok ? 'ok' : result.error.code).toBe('invalid-input');
  });
});
