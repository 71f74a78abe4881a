/**
 * Share-relative paths: '/'-separated, no leading slash needed, relative to
 * the configured backup folder. Every component is checked before it reaches
 * a driver, because the SMB driver sends it to smbclient inside a quoted
 * command line: a double quote would end the quoting and a newline would
 * start a new command.
 */
import { invalidInput } from '../errors';

/** Characters SMB itself forbids in names (plus '\', the SMB separator). */
const FORBIDDEN_CHARACTERS = ['"', '*', '?', '<', '>', '|', ':', '\\'] as const;

/**
 * Splits and checks a share-relative path. '' and '/' mean the root folder
 * (no components). Throws invalid-input naming the offending character.
 */
export function pathComponents(sharePath: string, field = 'path'): string[] {
  const components = sharePath.split('/').filter((component) => component.length > 0);
  for (const component of components) assertValidName(component, field);
  return components;
}

export function assertValidName(name: string, field = 'path'): void {
  if (name === '.' || name === '..') {
    throw invalidInput(field, `"${name}" is not allowed as a folder or file name on the share.`, 'Use a plain name.');
  }
  for (const character of FORBIDDEN_CHARACTERS) {
    if (name.includes(character)) {
      throw invalidInput(
        field,
        `The name "${name}" contains the character ${character}, which file shares do not allow.`,
        `Remove the character ${character} from the name.`,
      );
    }
  }
  // Control characters (newline, tab, NUL…) are invalid in SMB names too.
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw invalidInput(
      field,
      `The name "${name.replace(/[\u0000-\u001f\u007f]/g, '?')}" contains a control character.`,
      'Remove control characters (such as line breaks) from the name.',
    );
  }
  if (/[ .]$/.test(name)) {
    throw invalidInput(
      field,
      `The name "${name}" ends with a space or a dot, which file shares do not keep.`,
      'Remove the trailing space or dot.',
    );
  }
}

/** Joins share-relative paths with '/'. */
export function joinSharePath(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split('/'))
    .filter((component) => component.length > 0)
    .join('/');
}

/** The parent of a share-relative path ('' for a top-level name). */
export function parentOf(sharePath: string): string {
  const components = sharePath.split('/').filter((component) => component.length > 0);
  return components.slice(0, -1).join('/');
}

export function baseName(sharePath: string): string {
  const components = sharePath.split('/').filter((component) => component.length > 0);
  return components[components.length - 1] ?? '';
}
