import type { IconName } from '../icons';

/** One command of the blade's command bar. */
export interface Command {
  id: string;
  label: string;
  icon: IconName;
  /** Why the command cannot run now; null when it can. */
  blocked: string | null;
  busy?: boolean;
  run: () => void;
}
