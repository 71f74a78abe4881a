// Setting up engines for the benchmarks, and running one engine operation in a child process.
import { spawn } from 'node:child_process';
import { createEngine } from '../main/engine/service';
import { createLogger } from '../main/engine/app/logger';
import { testCertificate } from '../test/support/backup-fixtures';
import type { ChildResult } from './backup-child';
import { measured, type Measured } from './measure';

export type BenchLocation = { path: string } | { unc: string; username: string; password: string; port: number };

export async function configureEngine(configDir: string, location: BenchLocation, sourceFolder: string): Promise<void> {
  const engine = createEngine({ configDir, version: 'bench', frontDoor: 'cli', logger: createLogger({ level: 'error' }) });
  const certificateBase64 = testCertificate().cerDer.toString('base64');
  if ('path' in location) await engine.saveSettings({ location: location.path, certificateBase64, automaticBackups: false });
  else
    await engine.saveSettings({
      location: location.unc,
      username: location.username,
      password: location.password,
      passwordConfirm: location.password,
      smbPort: location.port,
      certificateBase64,
      automaticBackups: false,
    });
  await engine.addSource({ name: 'data', folder: sourceFolder });
  await engine.close();
}

function spawnChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [process.argv[1]!, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('error', reject);
    proc.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult)
        : reject(new Error(`bench child ${args[1]} exited ${code}`)),
    );
  });
}

/** One engine operation in a fresh process (backup-child.ts): its own figures, and its CPU with its children's. */
export async function engineChild(args: string[], serverPid?: number): Promise<Measured & { result: ChildResult }> {
  let result: ChildResult | null = null;
  const measure = await measured(async () => (result = await spawnChild(args)), serverPid);
  return { ...measure, result: result! };
}

/** Runs a command as a measured child process. */
export function commandLeg(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, serverPid?: number): Promise<Measured> {
  return measured(
    () =>
      new Promise<void>((resolve, reject) => {
        const proc = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        proc.once('error', reject);
        proc.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`))));
      }),
    serverPid,
  );
}
