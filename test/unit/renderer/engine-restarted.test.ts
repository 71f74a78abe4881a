import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ApiEvent, ApiMethod, ApiResult, JobProgress, PreloadBridge, ResultApi } from '../../../preload/api';
import { installApi } from '../../../renderer/src/api';
import { ApiClient } from '../../../renderer/src/api/client';
import { electronTransport } from '../../../renderer/src/api/electron-transport';
import { connectEngineEvents } from '../../../renderer/src/stores/events';
import { useAppStore } from '../../../renderer/src/stores/app';
import { useBackupsStore } from '../../../renderer/src/stores/backups';

const notice = {
  code: 'internal' as const,
  message: 'The backup engine stopped unexpectedly and was restarted.',
  remediation: 'A backup that was running did not complete.',
};

/** The desktop preload bridge, as the renderer sees it: calls answered from a table, events pushed by the test. */
function bridgeStandIn(answers: Partial<Record<ApiMethod, unknown>>) {
  const listeners = new Set<(event: ApiEvent) => void>();
  const calls: ApiMethod[] = [];
  const api = new Proxy({} as ResultApi, {
    get: (_target, method: string) => async (): Promise<ApiResult<unknown>> => {
      calls.push(method as ApiMethod);
      return { ok: true, value: answers[method as ApiMethod] ?? null };
    },
  });
  const bridge: PreloadBridge = {
    api,
    onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    pickFile: async () => ({ ok: true, value: null }),
    saveFile: async () => ({ ok: true, value: false }),
    pickFolder: async () => ({ ok: true, value: null }),
  };
  return { bridge, calls, push: (event: ApiEvent) => listeners.forEach((listener) => listener(event)) };
}
// The stand-in answers on microtasks: all of them have run before the next task.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('the window when the engine process was restarted', () => {
  let desktop: ReturnType<typeof bridgeStandIn>;
  beforeEach(() => {
    desktop = bridgeStandIn({ listBackups: [], getActiveJob: null, listAlerts: [] });
    (globalThis as { window?: unknown }).window = { backupConsole: desktop.bridge };
    // The client over the bridge, put in place here: useApi() keeps the first client it made, and
    // where test files share their module cache (the Windows lane) that is another file's.
    installApi(new ApiClient(electronTransport(desktop.bridge)));
    setActivePinia(createPinia());
  });
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it('shows the notice, ends the job it cut off, and reads everything again from the new engine', async () => {
    const disconnect = connectEngineEvents();
    const backups = useBackupsStore();
    backups.onProgress({ backupId: '20261124T100000Z-abcdef' } as JobProgress);
    desktop.push({ type: 'engine-restarted', notice, interruptedBackupId: '20261124T100000Z-abcdef' });
    await settle();
    expect(useAppStore().engineNotice).toMatchObject({ message: notice.message, remediation: notice.remediation });
    expect(backups.activeJob).toBeNull();
    expect(backups.lastFinished?.error?.message).toBe(notice.message);
    expect(desktop.calls).toEqual(expect.arrayContaining(['listBackups', 'getActiveJob', 'getEssentials', 'listAlerts']));
    disconnect();
  });
});

describe('the window when another process on the station ran a backup', () => {
  let desktop: ReturnType<typeof bridgeStandIn>;
  beforeEach(() => {
    desktop = bridgeStandIn({ listBackups: [], getActiveJob: null });
    (globalThis as { window?: unknown }).window = { backupConsole: desktop.bridge };
    installApi(new ApiClient(electronTransport(desktop.bridge)));
    setActivePinia(createPinia());
  });
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it('reads Essentials and the backup list again when that run ends, and not for its own runs recorded on the timeline', async () => {
    const disconnect = connectEngineEvents();
    const finished = {
      id: 'e1',
      at: '2026-11-24T10:05:00.000Z',
      kind: 'run-finished' as const,
      summary: 'On-demand backup 20261124T100000Z-abcdef Succeeded after 5 min 0 s',
      state: 'Succeeded' as const,
    };
    desktop.push({ type: 'timeline-appended', event: finished });
    await settle();
    expect(desktop.calls).toEqual([]);
    desktop.push({
      type: 'timeline-appended',
      event: { ...finished, id: 'e2', kind: 'run-started', state: 'Creating' },
      recordedElsewhere: true,
    });
    await settle();
    expect(desktop.calls).toEqual([]);
    desktop.push({ type: 'timeline-appended', event: { ...finished, id: 'e3' }, recordedElsewhere: true });
    await settle();
    expect(desktop.calls).toEqual(expect.arrayContaining(['getEssentials', 'listBackups']));
    disconnect();
  });
});
