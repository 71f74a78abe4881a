import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConsoleInstructions } from './share-console';
import { PROJECT_ROOT } from './web-console';

/** Starts test/support/share-console.ts in its own Node process (TypeScript run by jiti). */
export function startShareConsole(instructions: ConsoleInstructions): ChildProcess {
  const jiti = path.join(PROJECT_ROOT, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
  return spawn(process.execPath, [jiti, path.join(PROJECT_ROOT, 'test', 'support', 'share-console.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, IBC_TEST_CONSOLE: JSON.stringify(instructions) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The smbclient processes a console started: their auth file lives in a private folder named after the console's pid. */
export async function smbclientsOf(consolePid: number): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.some((arg) => arg.endsWith('smbclient')) && argv.some((arg) => arg.includes(`ibc-smb-${consolePid}-`)))
      found.push(Number(name));
  }
  return found;
}

/** Resolves once `condition` holds; rejects after `timeoutMs` — a bound on a hang, not a timing assertion. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
