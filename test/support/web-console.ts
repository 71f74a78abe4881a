import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export interface RunningWebConsole {
  url: string;
  urlWithToken: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const BUILT_CLI = resolve(PROJECT_ROOT, 'out', 'main', 'cli.js');

/** Starts the real, built web host (`infra-backup web`) on a config dir, as an operator would. */
export async function startWebConsole(configDir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningWebConsole> {
  const child = spawn(process.execPath, [BUILT_CLI, 'web', '--json', '--config-dir', configDir], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start within 15 s: ${stderr}`)), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolveLine(line);
    });
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}: ${stderr}`)));
  });
  const { url, urlWithToken } = JSON.parse(first) as { url: string; urlWithToken: string };
  return {
    url,
    urlWithToken,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}
