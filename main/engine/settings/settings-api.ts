/**
 * The settings and key-tooling methods of the contract, ready to spread into
 * the engine object: `{ ...createSettingsApi(service, { onSettingsChanged }) }`.
 */
import type { BackupConsoleApi, SettingsView } from '../../../preload/api';
import { generateCertificateFromInput, generateLegacyKeyResult, inspectCertificateFromInput } from '../certificates/certificate-api';
import type { SettingsService } from './settings-service';

export type SettingsApi = Pick<
  BackupConsoleApi,
  | 'getSettings'
  | 'saveSettings'
  | 'inspectCertificate'
  | 'getCertificateHistory'
  | 'exportSettings'
  | 'importSettings'
  | 'generateCertificate'
  | 'generateLegacyKey'
>;

export interface SettingsApiOptions {
  /** Called after every successful save or import (emit the 'settings-changed' event, timeline entry). */
  onSettingsChanged?: (settings: SettingsView) => void;
  now?: () => Date;
}

export function createSettingsApi(service: SettingsService, options: SettingsApiOptions = {}): SettingsApi {
  const now = options.now ?? (() => new Date());
  const changed = (view: SettingsView): SettingsView => {
    options.onSettingsChanged?.(view);
    return view;
  };
  return {
    getSettings: async () => service.view(),
    saveSettings: async (input) => changed(service.save(input)),
    inspectCertificate: async (input) => inspectCertificateFromInput(input, now()),
    getCertificateHistory: async () => service.certificateHistory(),
    exportSettings: async () => service.exportDocument(),
    importSettings: async (input) => changed(service.importDocument(input?.document)),
    generateCertificate: async (input) => generateCertificateFromInput(input, now()),
    generateLegacyKey: async () => generateLegacyKeyResult(),
  };
}
