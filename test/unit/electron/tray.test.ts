import { describe, expect, it } from 'vitest';
import type { ApiEvent, ApiMethod, BackupSummary, EssentialsView, RunOutcome, ScheduleView } from '../../../preload/api';
import type { EngineConnection } from '../../../main/electron/engine-process';
import { installTray, trayStatus, type MenuItemTemplate, type TrayLike } from '../../../main/electron/tray';

const schedule: ScheduleView = {
  enabled: true,
  disabledSince: null,
  frequencyHours: 12,
  anchor: '2026-11-24T00:00:00Z',
  nextBackupTime: '2026-11-24T12:00:00Z',
  upcoming: [],
  pause: null,
};

const backup = (state: BackupSummary['state'], completedAt: string): BackupSummary => ({
  backupId: 'b',
  createdAt: '2026-11-24T01:00:00Z',
  completedAt,
  state,
  trigger: 'scheduled',
  sizeBytes: 1,
  certificateThumbprint: null,
  encryptionMode: 'certificate',
  recoveryReady: true,
  expiresAt: null,
});

const attempt = (state: RunOutcome['state'], finishedAt: string): RunOutcome => ({
  backupId: 'b',
  trigger: 'scheduled',
  state,
  finishedAt,
});

/** The engine's process as the tray reaches it: calls answered from `essentials`, events pushed by the test. */
function engineStandIn(essentials: () => Pick<EssentialsView, 'lastAttempt' | 'schedule'>) {
  let listener: ((event: ApiEvent) => void) | null = null;
  const calls: ApiMethod[] = [];
  const connection: Pick<EngineConnection, 'call' | 'onEvent'> = {
    call: async (method: ApiMethod) => {
      calls.push(method);
      return { ok: true, value: method === 'getEssentials' ? essentials() : null } as never;
    },
    onEvent: (l) => ((listener = l), () => undefined),
  };
  return { connection, calls, push: (event: ApiEvent) => listener!(event) };
}
/** A tray over a stand-in engine, installed with no menu: its tooltips, as set. */
function trayWithTips(essentials: () => Pick<EssentialsView, 'lastAttempt' | 'schedule'>) {
  const engine = engineStandIn(essentials);
  const tips: string[] = [];
  const tray: TrayLike = {
    setToolTip: (t) => void tips.push(t),
    setContextMenu: () => undefined,
    on: () => undefined,
    destroy: () => undefined,
  };
  installTray({ createTray: () => tray, buildMenu: () => null }, engine.connection, {
    showWindow: () => undefined,
    quit: () => undefined,
    keepRunningInTray: () => true,
    setKeepRunningInTray: () => undefined,
  });
  return { engine, tips };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('tray', () => {
  it('shows the last result and the next time, and keeps them current from engine events', async () => {
    let essentials: Pick<EssentialsView, 'lastAttempt' | 'schedule'> = { lastAttempt: null, schedule };
    const engine = engineStandIn(() => essentials);
    const tips: string[] = [];
    let menu: MenuItemTemplate[] = [];
    let keep = true;
    let quit = 0;
    const tray: TrayLike = {
      setToolTip: (t) => void tips.push(t),
      setContextMenu: () => undefined,
      on: () => undefined,
      destroy: () => undefined,
    };
    installTray({ createTray: () => tray, buildMenu: (template) => (menu = template) }, engine.connection, {
      showWindow: () => undefined,
      quit: () => quit++,
      keepRunningInTray: () => keep,
      setKeepRunningInTray: (v) => (keep = v),
    });
    await settle();
    expect(tips.at(-1)).toContain('Last backup: none yet');
    expect(tips.at(-1)).toContain('Next backup:');
    essentials = { lastAttempt: attempt('Succeeded', '2026-11-24T01:05:00Z'), schedule };
    engine.push({ type: 'job-finished', jobId: 'j', backup: backup('Succeeded', '2026-11-24T01:05:00Z'), error: null });
    await settle();
    expect(tips.at(-1)).toContain('Last backup: Succeeded');
    engine.push({ type: 'schedule-changed', schedule: { ...schedule, enabled: false } });
    expect(tips.at(-1)).toContain('Automatic backups: disabled');
    // the setting toggles from the menu, and quit is there
    menu.find((item) => item.type === 'checkbox')!.click!();
    expect(keep).toBe(false);
    menu.find((item) => item.label?.startsWith('Quit'))!.click!();
    expect(quit).toBe(1);
    menu.find((item) => item.label === 'Back up now')!.click!();
    expect(engine.calls.at(-1)).toBe('startBackup');
  });

  it("after the engine's process restarts, reads the last result and the schedule again from the new engine", async () => {
    let essentials: Pick<EssentialsView, 'lastAttempt' | 'schedule'> = { lastAttempt: null, schedule };
    const { engine, tips } = trayWithTips(() => essentials);
    await settle();
    expect(tips.at(-1)).toContain('Last backup: none yet');
    // the new engine knows a result the tray never saw as an event (it finished in the dead process's place)
    essentials = { lastAttempt: attempt('Failed', '2026-11-24T02:00:00Z'), schedule };
    engine.push({ type: 'engine-restarted', notice: { code: 'internal', message: 'm', remediation: 'r' }, interruptedBackupId: 'b' });
    await settle();
    expect(engine.calls.filter((method) => method === 'getEssentials')).toHaveLength(2);
    expect(tips.at(-1)).toContain('Last backup: Failed');
  });

  it('reads the last result again when a backup another process on the station ran ends', async () => {
    let essentials: Pick<EssentialsView, 'lastAttempt' | 'schedule'> = { lastAttempt: null, schedule };
    const { engine, tips } = trayWithTips(() => essentials);
    await settle();
    essentials = { lastAttempt: attempt('Failed', '2026-11-24T02:00:00Z'), schedule };
    const event = { id: 'e', at: '2026-11-24T02:00:00Z', kind: 'run-finished' as const, summary: 'failed', state: 'Failed' as const };
    engine.push({ type: 'timeline-appended', event, recordedElsewhere: true });
    await settle();
    expect(tips.at(-1)).toContain('Last backup: Failed');
  });

  it('formats a missing schedule as disabled', () => {
    expect(trayStatus(null, null)).toEqual({ lastLine: 'Last backup: none yet', nextLine: 'Automatic backups: disabled' });
  });
});
