import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Infrastructure Backup Console';

/**
 * The folder that holds all state (settings, secrets, history). It is the same
 * folder Electron uses as `userData` for this product name, so the CLI and the
 * desktop app see one configuration by default.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** The config folder and every folder in it: this user only. */
export const CONFIG_DIR_MODE = 0o700;
/** Every file in the config folder: this user only (sources can hold commands with credentials; settings name the share). */
export const CONFIG_FILE_MODE = 0o600;

/** Creates the folder (and missing parents) for this user only; an existing folder is left as it is. */
export function ensureConfigDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: CONFIG_DIR_MODE });
}

/**
 * Creates the config folder, or brings an existing one (an older version made
 * sources.json 0644 and folders 0755) to 0700 for folders and no group or
 * other access for files. Links inside are never followed and entries that are not
 * this user's are left alone. Each folder is tightened before it is listed,
 * so once it is done nobody else can swap what is inside.
 */
export function secureConfigDir(dir: string): void {
  ensureConfigDir(dir);
  if (process.platform === 'win32') return; // ACLs of the user's profile folder apply
  // The folder itself may be a link the operator made (dotfiles); what is inside is never followed.
  tighten(dir, 0);
}

function tighten(path: string, noFollowFlag: number = constants.O_NOFOLLOW): void {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO (smbclient's upload pipe) must not block the open.
    fd = openSync(path, constants.O_RDONLY | noFollowFlag | constants.O_NONBLOCK);
  } catch {
    return; // a link, a socket, or gone: nothing of ours to tighten
  }
  let isFolder: boolean;
  try {
    const info = fstatSync(fd);
    if (info.uid !== process.getuid?.()) return;
    isFolder = info.isDirectory();
    if (isFolder && (info.mode & 0o777) !== CONFIG_DIR_MODE) fchmodSync(fd, CONFIG_DIR_MODE);
    if (!isFolder && (info.mode & 0o077) !== 0) fchmodSync(fd, info.mode & 0o700);
  } finally {
    closeSync(fd);
  }
  if (isFolder) for (const name of readdirSync(path)) tighten(join(path, name));
}
