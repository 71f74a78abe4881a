import { randomBytes } from 'node:crypto';
import { LEGACY_KEY_BYTES } from '../../../common/settings-schema';
import { registerSecret } from '../redact';

/** A backwards-compatibility symmetric key: base64 of 32 random bytes, like New-AzsEncryptionKeyBase64. */
export function generateLegacyKey(): string {
  const key = randomBytes(LEGACY_KEY_BYTES).toString('base64');
  registerSecret(key);
  return key;
}
