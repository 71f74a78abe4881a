import { existsSync, readFileSync } from 'node:fs';
import { EngineError } from '../errors';
import { writeStateText } from '../app/state-file';

/** How one secret value is turned into ciphertext and back. `name` is bound to the ciphertext where the cipher allows. */
export interface SecretCipher {
  encrypt(name: string, value: string): Buffer;
  decrypt(name: string, ciphertext: Buffer): string;
}

interface SecretsFileContent {
  version: 1;
  /** Which SecretStore wrote the file, so a store never tries to decrypt another's ciphertext. */
  scheme: string;
  /** name → base64 ciphertext. Plaintext never reaches this file. */
  entries: Record<string, string>;
}

/** A JSON file of ciphertexts, written as every state file (0600, replaced atomically: app/state-file.ts). */
export class EncryptedSecretsFile {
  constructor(
    private readonly path: string,
    private readonly scheme: string,
  ) {}

  read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    let content: SecretsFileContent;
    try {
      content = JSON.parse(readFileSync(this.path, 'utf8')) as SecretsFileContent;
    } catch (error) {
      throw corrupt(this.path, error);
    }
    if (content?.version !== 1 || typeof content.entries !== 'object' || content.entries === null)
      throw corrupt(this.path, 'unexpected content');
    if (content.scheme !== this.scheme) {
      throw new EngineError({
        code: 'settings-corrupt',
        message: `The stored secrets in ${this.path} were written by another protection scheme (${String(content.scheme)}) and cannot be read with ${this.scheme}.`,
        remediation: 'Enter the share password again in Configuration; the console stores it with the current scheme.',
      });
    }
    return { ...content.entries };
  }

  write(entries: Record<string, string>): void {
    const content: SecretsFileContent = { version: 1, scheme: this.scheme, entries };
    writeStateText(this.path, `${JSON.stringify(content, null, 2)}\n`);
  }
}

function corrupt(path: string, cause: unknown): EngineError {
  return new EngineError({
    code: 'settings-corrupt',
    message: `The stored secrets file ${path} cannot be read.`,
    remediation: 'Move the file away and enter the share password again in Configuration.',
    cause,
  });
}

/** A SecretStore over an EncryptedSecretsFile and a cipher. */
export function secretStoreOver(file: EncryptedSecretsFile, cipher: SecretCipher, description: string) {
  return {
    set(name: string, value: string): void {
      const entries = file.read();
      entries[name] = cipher.encrypt(name, value).toString('base64');
      file.write(entries);
    },
    get(name: string): string | null {
      const stored = file.read()[name];
      return stored === undefined ? null : cipher.decrypt(name, Buffer.from(stored, 'base64'));
    },
    has(name: string): boolean {
      return file.read()[name] !== undefined;
    },
    delete(name: string): void {
      const entries = file.read();
      if (!(name in entries)) return;
      delete entries[name];
      file.write(entries);
    },
    describe: () => description,
  };
}
