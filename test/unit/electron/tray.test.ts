import { describe, expect, it } from 'vitest';
import type { ApiEvent, ScheduleView } from '../../../preload/api';
import type { Engine } from '../../../main/engine/service';
import { installTray, trayStatus, type MenuItemTemplate, type TrayLike } from '../../../main/electron/tray';

const schedule: ScheduleView = {
  enabled: true,
  disabledSince: null,
  frequencyHours: 12,
  anchor: '2026-11-24T00:00:00Z',
  nextBackupTime: '2026-11-24T12:00:00Z',
  lastBackupTime: null,
  upcoming: [],
};

describe('tray', () => {
  it('shows the last result and the next time, and keeps them current from engine events', async () => {
    let listener: ((event: ApiEvent) => void) | null = null;
    const engine = {
      onEvent: (l: (event: ApiEvent) => void) => ((listener = l), () => undefined),
      getSchedule: async () => schedule,
      startBackup: async () => undefined,
    } as unknown as Engine;
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
    installTray({ createTray: () => tray, buildMenu: (template) => (menu = template) }, engine, {
      showWindow: () => undefined,
      quit: () => quit++,
      keepRunningInTray: () => keep,
      setKeepRunningInTray: (v) => (keep = v),
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(tips.at(-1)).toContain('Last backup: none yet');
    expect(tips.at(-1)).toContain('Next backup:');
    listener!({
      type: 'job-finished',
      jobId: 'j',
      backup: {
        backupId: 'b',
        createdAt: '2026-11-24T01:00:00Z',
        completedAt: '2026-11-24T01:05:00Z',
        state: 'Succeeded',
        trigger: 'scheduled',
        sizeBytes: 1,
        certificateThumbprint: null,
        encryptionMode: 'certificate',
        recoveryReady: true,
        expiresAt: null,
      },
      error: null,
    });
    expect(tips.at(-1)).toContain('Last backup: Succeeded');
    listener!({ type: 'schedule-changed', schedule: { ...schedule, enabled: false } });
    expect(tips.at(-1)).toContain('Automatic backups: disabled');
    // the setting toggles from the menu, and quit is there
    menu.find((item) => item.type === 'checkbox')!.click!();
    expect(keep).toBe(false);
    menu.find((item) => item.label?.startsWith('Quit'))!.click!();
    expect(quit).toBe(1);
  });

  it('formats a missing schedule as disabled', () => {
    expect(trayStatus(null, null)).toEqual({ lastLine: 'Last backup: none yet', nextLine: 'Automatic backups: disabled' });
  });
});
