import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { CertificateInfo, CertificateHistoryEntry, SettingsInput, SettingsView } from '../../../preload/api';
import {
  FREQUENCY_HOURS,
  RETENTION_DAYS,
  SMB_PORT,
  UNCONFIGURED_CONTEXT,
  validateSettingsInput,
  tryParseUncLocation,
  locationWarning,
} from '../../../common/settings-schema';
import { ApiCallError, useApi } from '../api';

export interface SettingsForm {
  location: string;
  username: string;
  password: string;
  passwordConfirm: string;
  frequencyHours: number | null;
  retentionDays: number | null;
  smbPort: number | null;
  encryptionKey: string;
}

export interface PendingConfirmation {
  kind: 'retention' | 'switch-to-certificate';
  message: string;
}

function emptyForm(view: SettingsView | null): SettingsForm {
  return {
    location: view?.location ?? '',
    username: view?.username ?? '',
    password: '',
    passwordConfirm: '',
    frequencyHours: view?.frequencyHours ?? FREQUENCY_HOURS.default,
    retentionDays: view?.retentionDays ?? RETENTION_DAYS.default,
    smbPort: view?.smbPort ?? SMB_PORT.default,
    encryptionKey: '',
  };
}

/**
 * The Configuration form's state. Validation is the shared schema's
 * (common/settings-schema.ts), the same rules the engine applies; engine
 * errors that name a field land on that field. Secrets live here only while
 * the form is open and are cleared after every save.
 */
export const useSettingsStore = defineStore('settings', () => {
  const saved = ref<SettingsView | null>(null);
  const form = reactive<SettingsForm>(emptyForm(null));
  const certificate = ref<{ base64: string; info: CertificateInfo; fileName: string } | null>(null);
  const certificateError = ref<string | null>(null);
  const history = ref<CertificateHistoryEntry[]>([]);
  const touched = reactive(new Set<string>());
  const submitted = ref(false);
  const engineErrors = reactive<Record<string, string>>({});
  const error = ref<ApiCallError | null>(null);
  const saving = ref(false);
  const pending = ref<PendingConfirmation | null>(null);
  const savedMessage = ref<string | null>(null);

  function input(): SettingsInput {
    const value: SettingsInput = {
      location: form.location,
      username: form.username,
      password: form.password,
      passwordConfirm: form.passwordConfirm,
    };
    if (form.frequencyHours !== null) value.frequencyHours = form.frequencyHours;
    if (form.retentionDays !== null) value.retentionDays = form.retentionDays;
    if (form.smbPort !== null) value.smbPort = form.smbPort;
    if (certificate.value) value.certificateBase64 = certificate.value.base64;
    if (form.encryptionKey) value.encryptionKeyBase64 = form.encryptionKey;
    return value;
  }

  const schemaErrors = computed<Record<string, string>>(() => {
    const errors: Record<string, string> = {};
    const empty = (n: number | null) => n === null;
    for (const problem of validateSettingsInput(saved.value ?? UNCONFIGURED_CONTEXT, input())) errors[problem.field] = problem.message;
    if (empty(form.frequencyHours))
      errors.frequencyHours = `Frequency in hours is required (${FREQUENCY_HOURS.min}–${FREQUENCY_HOURS.max}).`;
    if (empty(form.retentionDays))
      errors.retentionDays = `Retention period in days is required (${RETENTION_DAYS.min}–${RETENTION_DAYS.max}).`;
    if (certificateError.value) errors.certificate = certificateError.value;
    return errors;
  });

  /** Errors shown now: as you type for touched fields, all of them after OK. */
  const fieldErrors = computed<Record<string, string>>(() => {
    const shown: Record<string, string> = {};
    for (const [field, message] of Object.entries(schemaErrors.value)) if (submitted.value || touched.has(field)) shown[field] = message;
    for (const [field, message] of Object.entries(engineErrors)) shown[field] ??= message;
    return shown;
  });

  const locationNotice = computed(() => {
    const parsed = tryParseUncLocation(form.location);
    return parsed.ok ? locationWarning(parsed.location) : undefined;
  });
  const isSmb = computed(() => {
    const parsed = tryParseUncLocation(form.location);
    return !parsed.ok || parsed.location.kind === 'smb';
  });
  const retentionLowered = computed(
    () => saved.value?.configured === true && form.retentionDays !== null && form.retentionDays < saved.value.retentionDays,
  );

  function touch(field: string): void {
    touched.add(field);
    delete engineErrors[field];
    savedMessage.value = null;
  }

  async function load(): Promise<void> {
    try {
      saved.value = await useApi().call('getSettings');
      Object.assign(form, emptyForm(saved.value));
      history.value = await useApi().call('getCertificateHistory');
      error.value = null;
    } catch (caught) {
      error.value = asApiError(caught);
    }
  }

  async function useCertificateFile(fileName: string, base64: string): Promise<void> {
    touch('certificate');
    certificate.value = null;
    certificateError.value = null;
    try {
      const info = await useApi().call('inspectCertificate', { certificateBase64: base64 });
      certificate.value = { base64, info, fileName };
    } catch (caught) {
      certificateError.value = asApiError(caught).message;
    }
  }

  async function save(confirmations: { retention?: boolean; switchToCertificate?: boolean } = {}): Promise<boolean> {
    submitted.value = true;
    for (const key of Object.keys(engineErrors)) delete engineErrors[key];
    if (Object.keys(schemaErrors.value).length > 0) return false;
    saving.value = true;
    try {
      const value = input();
      if (confirmations.retention) value.confirmRetentionDeletion = true;
      if (confirmations.switchToCertificate) value.confirmSwitchToCertificate = true;
      saved.value = await useApi().call('saveSettings', value);
      Object.assign(form, emptyForm(saved.value));
      certificate.value = null;
      touched.clear();
      submitted.value = false;
      pending.value = null;
      error.value = null;
      savedMessage.value = 'Backup settings saved.';
      history.value = await useApi().call('getCertificateHistory');
      return true;
    } catch (caught) {
      const apiError = asApiError(caught);
      if (apiError.code === 'confirmation-required') {
        pending.value = {
          kind: apiError.field === 'confirmSwitchToCertificate' ? 'switch-to-certificate' : 'retention',
          message: `${apiError.message} ${apiError.remediation}`,
        };
      } else if (apiError.field) {
        engineErrors[apiError.field] = apiError.message;
      } else {
        error.value = apiError;
      }
      return false;
    } finally {
      saving.value = false;
      // Never keep a typed password longer than the attempt that used it.
      if (!pending.value) {
        form.password = '';
        form.passwordConfirm = '';
      }
    }
  }

  async function confirmPending(): Promise<boolean> {
    const kind = pending.value?.kind;
    pending.value = null;
    return save(kind === 'retention' ? { retention: true } : { switchToCertificate: true, retention: true });
  }

  function cancelPending(): void {
    pending.value = null;
    form.password = '';
    form.passwordConfirm = '';
  }

  return {
    saved,
    form,
    certificate,
    history,
    fieldErrors,
    error,
    saving,
    pending,
    savedMessage,
    locationNotice,
    isSmb,
    retentionLowered,
    touch,
    load,
    useCertificateFile,
    save,
    confirmPending,
    cancelPending,
  };
});

export function asApiError(caught: unknown): ApiCallError {
  return caught instanceof ApiCallError
    ? caught
    : new ApiCallError({ code: 'internal', message: String(caught), remediation: 'Reload the console.' });
}
