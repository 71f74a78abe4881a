import type { DeclaredBackupInfo } from '../../../preload/api';
import { invalidInput } from '../errors';

/** A component of the backup: a folder, or a command whose standard output is the data (and what it declares about the stamp). */
export type SourceDefinition =
  | { name: string; kind: 'folder'; folder: string }
  | { name: string; kind: 'command'; command: string; timeoutSeconds: number; backupInfo?: DeclaredBackupInfo };

export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 600;
export const MAX_COMMAND_TIMEOUT_SECONDS = 24 * 3600;

// Component names become file names on the share (<name>.bin) and in restore
// targets, so they are restricted to characters that are safe everywhere.
const COMPONENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkComponentName(name: string): void {
  if (!COMPONENT_NAME.test(name) || name.endsWith('.') || name.endsWith('.partial')) {
    throw invalidInput(
      'name',
      `Source name "${name}" is not allowed: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
      'Choose a short name such as "identity" or "keyvault".',
    );
  }
}

export function checkSourceList(sources: readonly SourceDefinition[]): void {
  const seen = new Set<string>();
  for (const source of sources) {
    const key = source.name.toLowerCase();
    // SMB names are case-insensitive: "Identity" and "identity" would collide on the share.
    if (seen.has(key))
      throw invalidInput(
        'name',
        `A source named "${source.name}" already exists.`,
        'Choose another name or remove the existing source first.',
      );
    seen.add(key);
  }
}
