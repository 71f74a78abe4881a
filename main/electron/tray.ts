import type { ApiEvent, RunOutcome, ScheduleView } from '../../preload/api';
import { PRODUCT_NAME } from '../engine/app/config-dir';
import type { EngineConnection } from './engine-process';

export interface MenuItemTemplate {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayParts {
  createTray(): TrayLike;
  buildMenu(template: MenuItemTemplate[]): unknown;
}

export interface TrayActions {
  showWindow(): void;
  quit(): void;
  keepRunningInTray(): boolean;
  setKeepRunningInTray(value: boolean): void;
}

const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

/** The tray line: the last result (the last attempt, whatever its outcome) and the next time. */
export function trayStatus(last: RunOutcome | null, schedule: ScheduleView | null): { lastLine: string; nextLine: string } {
  const lastLine = last ? `Last backup: ${last.state}, ${when(last.finishedAt)}` : 'Last backup: none yet';
  const nextLine = schedule?.enabled ? `Next backup: ${when(schedule.nextBackupTime)}` : 'Automatic backups: disabled';
  return { lastLine, nextLine };
}

/**
 * The tray keeps the console (and its scheduler) running when the window is
 * closed — a setting, toggled from the tray menu — and shows the last result
 * and the next scheduled time. Quit is in the tray menu. Everything it shows
 * comes from the engine's process through calls and events, so it is filled
 * again from the engine after a restart.
 */
export function installTray(parts: TrayParts, engine: Pick<EngineConnection, 'call' | 'onEvent'>, actions: TrayActions): () => void {
  const tray = parts.createTray();
  let last: RunOutcome | null = null;
  let schedule: ScheduleView | null = null;
  const render = (): void => {
    const { lastLine, nextLine } = trayStatus(last, schedule);
    tray.setToolTip(`${PRODUCT_NAME}\n${lastLine}\n${nextLine}`);
    tray.setContextMenu(
      parts.buildMenu([
        { label: lastLine, enabled: false },
        { label: nextLine, enabled: false },
        { type: 'separator' },
        { label: 'Open console', click: actions.showWindow },
        // The outcome arrives as job events (and an alert when it fails).
        { label: 'Back up now', click: () => void engine.call('startBackup') },
        { type: 'separator' },
        {
          label: 'Keep running when the window is closed',
          type: 'checkbox',
          checked: actions.keepRunningInTray(),
          click: () => {
            actions.setKeepRunningInTray(!actions.keepRunningInTray());
            render();
          },
        },
        { label: 'Quit (stops automatic backups)', click: actions.quit },
      ]),
    );
  };
  tray.on('click', actions.showWindow);
  const load = (): void =>
    void engine.call('getEssentials').then((result) => {
      if (!result.ok) return;
      last = result.value.lastAttempt;
      schedule = result.value.schedule;
      render();
    });
  const onEvent = (event: ApiEvent): void => {
    // The engine's run log knows the finished job by the time its event arrives.
    if (event.type === 'job-finished' || event.type === 'engine-restarted') return load();
    // A backup another process on the station ran (a CLI one) ends without a job event here.
    if (event.type === 'timeline-appended' && event.recordedElsewhere && event.event.kind === 'run-finished') return load();
    else if (event.type === 'schedule-changed') schedule = event.schedule;
    else return;
    render();
  };
  const unsubscribe = engine.onEvent(onEvent);
  load();
  render();
  return () => {
    unsubscribe();
    tray.destroy();
  };
}
