/**
 * Where the engine keeps secrets at rest (the share password, a legacy key).
 * Values are write-mostly: `get` exists only for the engine's own use (the
 * SMB driver, the backup job), never for an API result.
 */
export interface SecretStore {
  set(name: string, value: string): void;
  /** The value, or null when none is stored. */
  get(name: string): string | null;
  has(name: string): boolean;
  delete(name: string): void;
  /** One sentence for AppInfo.secretStorage and the README: how values are protected, and against what. */
  describe(): string;
}

/** The names the engine uses. */
export const SECRET_NAMES = {
  sharePassword: 'share-password',
  legacyEncryptionKey: 'legacy-encryption-key',
  /** The station's Ed25519 backup signing key (station-signing-key.ts). */
  stationSigningKey: 'station-signing-key',
} as const;

/** A store that forwards to another: the concrete stores differ only in how they build it. */
export abstract class DelegatingSecretStore implements SecretStore {
  protected abstract readonly inner: SecretStore;

  set(name: string, value: string): void {
    this.inner.set(name, value);
  }
  get(name: string): string | null {
    return this.inner.get(name);
  }
  has(name: string): boolean {
    return this.inner.has(name);
  }
  delete(name: string): void {
    this.inner.delete(name);
  }
  describe(): string {
    return this.inner.describe();
  }
}
