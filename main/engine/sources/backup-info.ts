import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { declaredBackupInfo as declaredInfo } from '../../../common/contract/views';
import type { SourceDefinition } from './source';

/**
 * What a source may declare about the stamp it backs up, under Azure Stack's
 * names (backupInfo: backupDataVersion, stampVersion, deploymentID,
 * oemVersion): a file of this name at the top of a folder source (the sample
 * stamp ships one), or a command source's declaration in sources.json. The
 * first source, in order, that declares any speaks for the backup.
 */
export const BACKUP_INFO_FILE = 'backup-info.json';
const MAX_BACKUP_INFO_BYTES = 16 * 1024;

/** The declared facts, as the manifest's informational `stamp` map carries them; {} when no source declares any. */
export async function declaredBackupInfo(
  sources: readonly SourceDefinition[],
  warn: (message: string) => void,
): Promise<Record<string, string>> {
  for (const source of sources) {
    if (source.kind === 'command') {
      const declared = definedEntries(source.backupInfo ?? {});
      if (declared.length > 0) return Object.fromEntries(declared);
      continue;
    }
    const path = join(source.folder, BACKUP_INFO_FILE);
    let text: string;
    try {
      const bytes = await readFile(path);
      if (bytes.length > MAX_BACKUP_INFO_BYTES) {
        warn(`${path} is larger than ${MAX_BACKUP_INFO_BYTES} bytes and was ignored`);
        continue;
      }
      text = bytes.toString('utf8');
    } catch {
      continue;
    }
    let parsed: ReturnType<typeof declaredInfo.safeParse>;
    try {
      parsed = declaredInfo.safeParse(JSON.parse(text));
    } catch {
      warn(`${path} is not JSON and was ignored`);
      continue;
    }
    if (!parsed.success) {
      warn(`${path} does not declare backupDataVersion, stampVersion, deploymentID, oemVersion as strings and was ignored`);
      continue;
    }
    return Object.fromEntries(definedEntries(parsed.data));
  }
  return {};
}

function definedEntries(info: Record<string, string | undefined>): Array<[string, string]> {
  return Object.entries(info).filter((entry): entry is [string, string] => entry[1] !== undefined);
}
