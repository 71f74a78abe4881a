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
