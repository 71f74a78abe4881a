import type { BackupConsoleApi } from '../../../preload/api';
import type { EngineContext } from '../context';

type SettingsMethods = Pick<BackupConsoleApi, 'getSettings' | 'saveSettings' | 'getCertificateHistory' | 'exportSettings' | 'importSettings'>;

export function settingsMethods(ctx: EngineContext): SettingsMethods {
  const service = ctx.settings.service;
  const changed = (): void => ctx.events.publish({ type: 'settings-changed', settings: service.view() });
  return {
    getSettings: async () => service.view(),
    saveSettings: async (input) => {
      const view = service.save(input);
      ctx.logger.info({ fields: Object.keys(input).filter((key) => !/password|key/i.test(key)) }, 'settings saved');
      changed();
      return view;
    },
    getCertificateHistory: async () => service.certificateHistory(),
    exportSettings: async () => service.exportDocument(),
    importSettings: async ({ document }) => {
      const view = service.importDocument(document);
      changed();
      return view;
    },
  };
}
