import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CertificateHistoryEntry, GeneratedCertificate } from '../../../preload/api';
import { CERTIFICATE_YEARS, generateCertificateInputSchema, zodFieldErrors } from '../../../common/settings-schema';
import { asApiError, useApi, type ApiCallError } from '../api';
import { useFilesStore } from './files';

export interface CertificateForm {
  dnsName: string;
  years: number | null;
  pfxPassword: string;
  pfxPasswordConfirm: string;
}

/** Offline key tooling (certificate + .pfx, legacy key) and the history of certificates in use. */
export const useKeysStore = defineStore('keys', () => {
  const generated = ref<GeneratedCertificate | null>(null);
  const generating = ref(false);
  const generateError = ref<ApiCallError | null>(null);
  const legacyKey = ref<string | null>(null);
  const legacyKeyError = ref<ApiCallError | null>(null);
  const history = ref<CertificateHistoryEntry[]>([]);
  const historyError = ref<ApiCallError | null>(null);
  /** Which generated files were saved, for the feedback beside the buttons. */
  const savedFiles = ref<string[]>([]);
  /** Every field's problem at once (the shared schema's rules), or the engine's. */
  const fieldErrors = ref<Record<string, string>>({});

  async function generateCertificate(form: CertificateForm): Promise<boolean> {
    generateError.value = null;
    savedFiles.value = [];
    const input = {
      dnsName: form.dnsName.trim(),
      years: form.years ?? CERTIFICATE_YEARS.default,
      pfxPassword: form.pfxPassword,
      pfxPasswordConfirm: form.pfxPasswordConfirm,
    };
    const checked = generateCertificateInputSchema.safeParse(input);
    fieldErrors.value = checked.success
      ? {}
      : Object.fromEntries(zodFieldErrors(checked.error).map((problem) => [problem.field, problem.message]));
    if (!checked.success) return false;
    generating.value = true;
    try {
      generated.value = await useApi().call('generateCertificate', input);
      return true;
    } catch (caught) {
      const apiError = asApiError(caught);
      if (apiError.field) fieldErrors.value = { [apiError.field]: apiError.message };
      else generateError.value = apiError;
      return false;
    } finally {
      generating.value = false;
    }
  }

  async function saveGenerated(extension: 'cer' | 'pfx'): Promise<void> {
    if (!generated.value) return;
    const name = `${generated.value.suggestedFileBase}.${extension}`;
    const base64 = extension === 'cer' ? generated.value.cerBase64 : generated.value.pfxBase64;
    try {
      const done = await useFilesStore().save(name, base64, extension === 'cer' ? 'application/pkix-cert' : 'application/x-pkcs12');
      if (done && !savedFiles.value.includes(name)) savedFiles.value = [...savedFiles.value, name];
    } catch (caught) {
      generateError.value = asApiError(caught);
    }
  }

  async function generateLegacyKey(): Promise<void> {
    legacyKeyError.value = null;
    try {
      legacyKey.value = (await useApi().call('generateLegacyKey')).keyBase64;
    } catch (caught) {
      legacyKeyError.value = asApiError(caught);
    }
  }

  async function loadHistory(): Promise<void> {
    try {
      history.value = await useApi().call('getCertificateHistory');
      historyError.value = null;
    } catch (caught) {
      historyError.value = asApiError(caught);
    }
  }

  return {
    generated,
    generating,
    generateError,
    legacyKey,
    legacyKeyError,
    history,
    historyError,
    savedFiles,
    fieldErrors,
    generateCertificate,
    saveGenerated,
    generateLegacyKey,
    loadHistory,
  };
});
