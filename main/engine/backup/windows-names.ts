/**
 * Names a backup made elsewhere may carry but Windows cannot create. A
 * restore on Windows refuses them, naming the entry, rather than renaming
 * files behind the operator's back: a restore gives back every file under its
 * own name or fails and says why (README, "Windows station").
 */
import { EngineError } from '../errors';

const FORBIDDEN = ['<', '>', ':', '"', '|', '?', '*'];
/** Device names Windows reserves in every folder, with or without an extension. */
const RESERVED = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$/i;

/** Why Windows cannot create a file or folder with this name, or null when it can. */
export function windowsNameProblem(component: string): string | null {
  const character = FORBIDDEN.find((forbidden) => component.includes(forbidden));
  if (character) return `it contains the character ${character}`;
  if (/[\u0000-\u001f]/.test(component)) return 'it contains a control character';
  if (/[ .]$/.test(component)) return 'it ends with a dot or a space';
  if (RESERVED.test(component.trim())) return `"${component}" is a device name Windows reserves`;
  return null;
}

/** Refuses an archive entry whose path has a component Windows cannot create. */
export function assertRestorableOnWindows(entryName: string, components: readonly string[]): void {
  for (const component of components) {
    const problem = windowsNameProblem(component);
    if (!problem) continue;
    throw new EngineError({
      code: 'restore-failed',
      message: `The archive entry "${entryName}" cannot be restored on Windows: ${problem}, which Windows does not allow in file names. Nothing was restored.`,
      remediation:
        'Restore this backup on a Linux station (the infra-backup command line runs there), or restore the other components one by one with --component.',
    });
  }
}
