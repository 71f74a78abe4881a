import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import type { CertificateInfo, RetentionPreview, SettingsInput, SettingsView, ShareTestResult, TestShareInput } from '../../../preload/api';
import {
  ALMOST_FULL_PERCENT,
  FREQUENCY_HOURS,
  RETENTION_DAYS,
  SMB_PORT,
  UNCONFIGURED_CONTEXT,
  locationWarning,
  tryParseUncLocation,
  validateSettingsInput,
} from '../../../common/settings-schema';
import { ApiCallError, asApiError, useApi } from '../api';
import { useAppStore } from './app';

export interface SettingsForm {
  location: string;
  username: string;
  password: string;
  passwordConfirm: string;
  frequencyHours: number | null;
  retentionDays: number | null;
  smbPort: number | null;
  almostFullPercent: number | null;
  encryptionKey: string;
}

/** The form's fields in the source document's order (the legacy key, SMB port and the almost-full threshold are ours, last). */
export const FORM_FIELDS = [
  'location',
  'username',
  'password',
  'passwordConfirm',
  'frequencyHours',
  'retentionDays',
  'certificate',
  'encryptionKey',
  'smbPort',
  'almostFullPercent',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** The fields that say which share, as whom: Test connection tries them as typed, and OK tests them first when they changed. */
const SHARE_FIELDS: ReadonlySet<FormField> = new Set(['location', 'username', 'password', 'smbPort']);

export interface CertificateChoice {
  fileName: string;
  base64: string;
  info: CertificateInfo;
}

/** A file refused as the encryption certificate: which file, why, and what to do. */
export interface CertificateProblem {
  fileName: string;
  message: string;
  remediation: string;
}

export type Confirmation =
  | { kind: 'share-test'; result: ShareTestResult }
  | { kind: 'retention'; preview: RetentionPreview }
  | { kind: 'switch-to-certificate'; message: string };

/** Shown next to OK: the outcome of the last attempt, or what it is doing. */
export interface Feedback {
  tone: 'success' | 'error' | 'info';
  text: string;
  detail?: string;
}

function formFrom(view: SettingsView | null): SettingsForm {
  return {
    location: view?.location ?? '',
    username: view?.username ?? '',
    password: '',
    passwordConfirm: '',
    frequencyHours: view?.frequencyHours ?? FREQUENCY_HOURS.default,
    retentionDays: view?.retentionDays ?? RETENTION_DAYS.default,
    smbPort: view?.smbPort ?? SMB_PORT.default,
    almostFullPercent: view?.almostFullPercent ?? ALMOST_FULL_PERCENT.default,
    encryptionKey: '',
  };
}

/**
 * The configuration panel's state. Validation is the shared schema's
 * (common/settings-schema.ts), the same rules the engine applies; engine
 * errors that name a field land on that field. Secrets live here only while
 * the panel is open and are cleared after every attempt to save.
 */
export const useSettingsStore = defineStore('settings', () => {
  const saved = ref<SettingsView | null>(null);
  const form = reactive<SettingsForm>(formFrom(null));
  const certificate = ref<CertificateChoice | null>(null);
  const certificateProblem = ref<CertificateProblem | null>(null);
  /** The operator chose "Replace certificate": the picker shows instead of the current thumbprint. */
  const replacingCertificate = ref(false);
  const touched = reactive(new Set<string>());
  const submitted = ref(false);
  const engineErrors = reactive<Record<string, string>>({});
  const loadError = ref<ApiCallError | null>(null);
  const saving = ref(false);
  const confirmation = ref<Confirmation | null>(null);
  const feedback = ref<Feedback | null>(null);
  const testing = ref(false);
  const testResult = ref<ShareTestResult | null>(null);
  const testError = ref<ApiCallError | null>(null);
  /** The next backup time the typed frequency would give, before saving. */
  const nextWithFrequency = ref<string | null>(null);

  const context = computed(() => saved.value ?? UNCONFIGURED_CONTEXT);
  /** The station's way of writing a local folder, as the engine checks it (until the app info is read: either). */
  const localPaths = computed(() => useAppStore().info?.localPathStyle);
  const validate = (value: SettingsInput) => validateSettingsInput(context.value, value, localPaths.value);

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
    if (form.almostFullPercent !== null) value.almostFullPercent = form.almostFullPercent;
    if (certificate.value) value.certificateBase64 = certificate.value.base64;
    if (form.encryptionKey) value.encryptionKeyBase64 = form.encryptionKey;
    return value;
  }

  const schemaErrors = computed<Record<string, string>>(() => {
    const errors: Record<string, string> = {};
    for (const problem of validate(input())) errors[problem.field] = problem.message;
    if (form.frequencyHours === null)
      errors.frequencyHours = `Frequency in hours is required (${FREQUENCY_HOURS.min}–${FREQUENCY_HOURS.max}).`;
    if (form.retentionDays === null)
      errors.retentionDays = `Retention period in days is required (${RETENTION_DAYS.min}–${RETENTION_DAYS.max}).`;
    if (form.almostFullPercent === null)
      errors.almostFullPercent = `Almost-full threshold is required (${ALMOST_FULL_PERCENT.min}–${ALMOST_FULL_PERCENT.max} percent).`;
    const problem = certificateProblem.value;
    if (problem) errors.certificate = `${problem.fileName} was not accepted: ${problem.message} ${problem.remediation}`.trim();
    return errors;
  });

  /** Errors shown now: as you type for touched fields, all of them after OK; engine errors until the field is edited. */
  const fieldErrors = computed<Record<string, string>>(() => {
    const shown: Record<string, string> = {};
    for (const [field, message] of Object.entries(schemaErrors.value)) if (submitted.value || touched.has(field)) shown[field] = message;
    for (const [field, message] of Object.entries(engineErrors)) shown[field] ??= message;
    return shown;
  });

  /** The first field (in form order) that needs attention, for focus after OK. */
  const firstInvalidField = computed<FormField | null>(() => FORM_FIELDS.find((field) => fieldErrors.value[field]) ?? null);

  const isSmb = computed(() => {
    const parsed = tryParseUncLocation(form.location);
    return !parsed.ok || parsed.location.kind === 'smb';
  });

  /**
   * Which fields must be filled, as the schema decides: a field is required
   * when leaving it empty is an error. Nothing else carries a required mark.
   */
  const requiredFields = computed<ReadonlySet<FormField>>(() => {
    const current = input();
    const failsEmpty = (field: string, patch: SettingsInput): boolean =>
      validate({ ...current, ...patch }).some((problem) => problem.field === field);
    const required = new Set<FormField>(['frequencyHours', 'retentionDays', 'almostFullPercent']);
    if (failsEmpty('location', { location: '' })) required.add('location');
    if (isSmb.value && failsEmpty('username', { username: '' })) required.add('username');
    if (isSmb.value && failsEmpty('password', { password: '', passwordConfirm: '' })) {
      required.add('password');
      required.add('passwordConfirm');
    }
    if (failsEmpty('certificate', { certificateBase64: undefined, encryptionKeyBase64: undefined })) required.add('certificate');
    return required;
  });

  const locationNotice = computed(() => {
    const parsed = tryParseUncLocation(form.location);
    return parsed.ok ? locationWarning(parsed.location) : undefined;
  });

  /**
   * OK tests the share first when it is a new one: on first save, or when the
   * location, port or account changed (a typed password is a changed account).
   */
  const shareChanged = computed(() => {
    const view = saved.value;
    if (!view?.configured) return true;
    const typed = tryParseUncLocation(form.location);
    const location = typed.ok ? typed.location.normalized : form.location.trim();
    return (
      location !== view.location ||
      (isSmb.value && form.username.trim() !== view.username) ||
      form.password !== '' ||
      (form.smbPort ?? SMB_PORT.default) !== view.smbPort
    );
  });

  const retentionLowered = computed(
    () => saved.value?.configured === true && form.retentionDays !== null && form.retentionDays < saved.value.retentionDays,
  );

  /** Anything typed or chosen that is not saved yet (a typed password included). */
  const dirty = computed(() => {
    const stored = formFrom(saved.value);
    return (
      (Object.keys(stored) as Array<keyof SettingsForm>).some((key) => form[key] !== stored[key]) ||
      certificate.value !== null ||
      certificateProblem.value !== null
    );
  });

  function touch(field: FormField): void {
    touched.add(field);
    delete engineErrors[field];
    feedback.value = null;
    // A test result speaks of the values it tried: once they change, it would speak of others.
    if (SHARE_FIELDS.has(field)) {
      testResult.value = null;
      testError.value = null;
    }
  }

  function clearSecrets(): void {
    form.password = '';
    form.passwordConfirm = '';
    form.encryptionKey = '';
  }

  /** Back to what is saved: typed values, secrets and a chosen certificate are dropped. */
  function discard(): void {
    Object.assign(form, formFrom(saved.value));
    certificate.value = null;
    certificateProblem.value = null;
    replacingCertificate.value = false;
    touched.clear();
    submitted.value = false;
    for (const key of Object.keys(engineErrors)) delete engineErrors[key];
    confirmation.value = null;
    feedback.value = null;
    testResult.value = null;
    testError.value = null;
  }

  /** Reads the saved settings; typed changes are kept (typed before the answer, or in a panel reopened while dirty). */
  async function load(): Promise<void> {
    try {
      adopt(await useApi().call('getSettings'));
      loadError.value = null;
    } catch (caught) {
      loadError.value = asApiError(caught);
    }
  }

  const clearing = ref(false);
  const clearError = ref<ApiCallError | null>(null);
  /** Clear configuration, confirmed by the operator: location, credentials and certificate are forgotten. */
  async function clearConfiguration(): Promise<boolean> {
    clearing.value = true;
    clearError.value = null;
    try {
      const view = await useApi().call('clearConfiguration', { confirm: true });
      saved.value = view;
      Object.assign(form, formFrom(view));
      return true;
    } catch (caught) {
      clearError.value = asApiError(caught);
      return false;
    } finally {
      clearing.value = false;
    }
  }

  /** Saved elsewhere (another window, the CLI): shown in every field the operator is not editing. */
  function onSavedElsewhere(view: SettingsView): void {
    adopt(view);
  }

  /**
   * The saved settings become the panel's, field by field: what the operator typed (before `load`
   * answered, in a panel reopened while dirty, or while another window saved) stays, even a value
   * equal to the default; every other field shows the saved value.
   */
  function adopt(view: SettingsView): void {
    saved.value = view;
    const stored = formFrom(view);
    for (const key of Object.keys(stored) as Array<keyof SettingsForm>) if (!touched.has(key)) Object.assign(form, { [key]: stored[key] });
  }

  async function chooseCertificateFile(fileName: string, base64: string): Promise<void> {
    touch('certificate');
    certificate.value = null;
    certificateProblem.value = null;
    try {
      const info = await useApi().call('inspectCertificate', { certificateBase64: base64 });
      certificate.value = { base64, info, fileName };
    } catch (caught) {
      const apiError = asApiError(caught);
      certificateProblem.value = { fileName, message: apiError.message, remediation: apiError.remediation };
    }
  }

  function replaceCertificate(): void {
    replacingCertificate.value = true;
  }

  function keepCurrentCertificate(): void {
    replacingCertificate.value = false;
    certificate.value = null;
    certificateProblem.value = null;
    delete engineErrors.certificate;
  }

  /**
   * OK: validates every field, tests a new share (a failure asks "Save
   * anyway" or "Back"), shows what a lower retention would delete, then saves.
   */
  async function save(): Promise<boolean> {
    submitted.value = true;
    feedback.value = null;
    for (const key of Object.keys(engineErrors)) delete engineErrors[key];
    const problems = Object.keys(schemaErrors.value).length;
    if (problems > 0) {
      feedback.value = {
        tone: 'error',
        text: `${problems === 1 ? 'One field needs' : `${problems} fields need`} attention before saving.`,
      };
      return false;
    }
    if (shareChanged.value) {
      saving.value = true;
      feedback.value = { tone: 'info', text: 'Testing the connection before saving…' };
      const result = await testConnection();
      saving.value = false;
      feedback.value = null;
      if (!result) {
        feedback.value = {
          tone: 'error',
          text: 'Nothing was saved: the connection could not be tested.',
          detail: testError.value?.message,
        };
        return false;
      }
      if (result.failure) {
        confirmation.value = { kind: 'share-test', result };
        return false;
      }
    }
    return saveTested();
  }

  /** The rest of OK, once the share passed its test (or the operator chose to save anyway). */
  async function saveTested(): Promise<boolean> {
    if (retentionLowered.value && form.retentionDays !== null) {
      try {
        const preview = await useApi().call('previewRetention', { retentionDays: form.retentionDays });
        if (preview.toDelete.length > 0) {
          confirmation.value = { kind: 'retention', preview };
          return false;
        }
      } catch (caught) {
        feedback.value = errorFeedback(asApiError(caught));
        return false;
      }
    }
    return send({ retention: retentionLowered.value });
  }

  async function send(confirm: { retention?: boolean; switchToCertificate?: boolean }): Promise<boolean> {
    saving.value = true;
    confirmation.value = null;
    try {
      const value = input();
      if (confirm.retention) value.confirmRetentionDeletion = true;
      if (confirm.switchToCertificate) value.confirmSwitchToCertificate = true;
      saved.value = await useApi().call('saveSettings', value);
      Object.assign(form, formFrom(saved.value));
      certificate.value = null;
      replacingCertificate.value = false;
      touched.clear();
      submitted.value = false;
      feedback.value = { tone: 'success', text: 'Backup settings saved.' };
      return true;
    } catch (caught) {
      const apiError = asApiError(caught);
      if (apiError.code === 'confirmation-required' && apiError.field === 'confirmSwitchToCertificate') {
        confirmation.value = { kind: 'switch-to-certificate', message: apiError.message };
      } else if (apiError.field && (FORM_FIELDS as readonly string[]).includes(apiError.field)) {
        engineErrors[apiError.field] = apiError.message;
        feedback.value = { tone: 'error', text: 'The settings were not saved.', detail: apiError.message };
      } else {
        feedback.value = errorFeedback(apiError);
      }
      return false;
    } finally {
      saving.value = false;
      // Never keep a typed secret longer than the attempt that used it (unless a confirmation is pending).
      if (!confirmation.value) clearSecrets();
    }
  }

  async function confirm(): Promise<boolean> {
    const pending = confirmation.value;
    if (!pending) return false;
    if (pending.kind === 'share-test') {
      confirmation.value = null;
      return saveTested();
    }
    return send(pending.kind === 'retention' ? { retention: true } : { retention: true, switchToCertificate: true });
  }

  function cancelConfirmation(): void {
    const pending = confirmation.value;
    confirmation.value = null;
    if (pending?.kind === 'share-test') {
      // Back to the form as typed (the password too), to correct what the test found.
      feedback.value = { tone: 'error', text: 'Nothing was saved.', detail: 'Correct the settings, then select OK again.' };
      return;
    }
    clearSecrets();
    feedback.value = { tone: 'error', text: 'Nothing was saved.' };
  }

  /** The share as typed: a password only when one is typed (otherwise the engine tries the stored one). */
  function shareCandidate(): TestShareInput {
    const candidate: TestShareInput = { location: form.location };
    if (isSmb.value) candidate.username = form.username;
    if (form.password !== '') candidate.password = form.password;
    if (form.smbPort !== null) candidate.smbPort = form.smbPort;
    return candidate;
  }

  /**
   * Test connection: reachability, credentials, write permission and capacity
   * of the share as typed, saved or not. Returns the result (null when the
   * test could not run: a field to correct, or an engine error).
   */
  async function testConnection(): Promise<ShareTestResult | null> {
    testResult.value = null;
    testError.value = null;
    const fields: FormField[] = ['location', 'username', 'smbPort'];
    if (form.password !== '') fields.push('password');
    const unfit = fields.filter((field) => schemaErrors.value[field]);
    if (unfit.length > 0) {
      for (const field of unfit) touched.add(field);
      testError.value = new ApiCallError({
        code: 'invalid-input',
        message: 'The connection was not tested: correct the marked fields first.',
        remediation: '',
      });
      return null;
    }
    testing.value = true;
    try {
      testResult.value = await useApi().call('testShare', shareCandidate());
      return testResult.value;
    } catch (caught) {
      const apiError = asApiError(caught);
      if (apiError.field && (FORM_FIELDS as readonly string[]).includes(apiError.field)) engineErrors[apiError.field] = apiError.message;
      testError.value = apiError;
      return null;
    } finally {
      testing.value = false;
    }
  }

  watch(
    () => form.frequencyHours,
    async (hours) => {
      nextWithFrequency.value = null;
      if (!saved.value?.configured || hours === null || hours === saved.value.frequencyHours || schemaErrors.value.frequencyHours) return;
      try {
        nextWithFrequency.value = (await useApi().call('previewFrequency', { frequencyHours: hours })).nextBackupTime;
      } catch {
        nextWithFrequency.value = null;
      }
    },
  );

  return {
    clearing,
    clearError,
    clearConfiguration,
    saved,
    form,
    certificate,
    certificateProblem,
    replacingCertificate,
    fieldErrors,
    firstInvalidField,
    requiredFields,
    loadError,
    saving,
    confirmation,
    feedback,
    testing,
    testResult,
    testError,
    nextWithFrequency,
    isSmb,
    locationNotice,
    retentionLowered,
    shareChanged,
    dirty,
    touch,
    discard,
    load,
    onSavedElsewhere,
    chooseCertificateFile,
    replaceCertificate,
    keepCurrentCertificate,
    save,
    confirm,
    cancelConfirmation,
    testConnection,
  };
});

function errorFeedback(error: ApiCallError): Feedback {
  return { tone: 'error', text: error.message, detail: error.remediation };
}
