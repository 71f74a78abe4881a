import { ref, type Ref } from 'vue';
import type { RecoveryKeyInput } from '../../../../preload/api';

/**
 * The key a verify or restore dialog asks for: the .pfx and its password for
 * a certificate-encrypted backup, the legacy key otherwise, and an optional
 * signer to trust. Secrets stay here for one operation only.
 */
export function useRecoveryKeyForm(legacy: Ref<boolean>) {
  const pfx = ref<{ name: string; base64: string } | null>(null);
  const password = ref('');
  const legacyKey = ref('');
  const trustSigner = ref('');

  /** What is missing, by field; `purpose` finishes "Legacy encryption key is required …". */
  function missing(purpose: string): Record<string, string> {
    if (legacy.value) return legacyKey.value.trim() ? {} : { legacyKey: `Legacy encryption key is required ${purpose}.` };
    const problems: Record<string, string> = {};
    if (!pfx.value) problems.pfx = 'Choose the .pfx file of the certificate this backup was encrypted to.';
    if (!password.value) problems.password = '.pfx password is required.';
    return problems;
  }

  /** The key as the engine takes it; call only once missing() is empty. */
  function key(): RecoveryKeyInput {
    return legacy.value
      ? { kind: 'legacy-key', keyBase64: legacyKey.value.trim() }
      : { kind: 'pfx', pfxBase64: pfx.value!.base64, password: password.value };
  }

  /** Forgets the secrets once the engine has them. */
  function forgetSecrets(): void {
    password.value = legacyKey.value = '';
  }

  function reset(): void {
    pfx.value = null;
    trustSigner.value = '';
    forgetSecrets();
  }

  return { pfx, password, legacyKey, trustSigner, missing, key, forgetSecrets, reset };
}
