import { spawnSync } from 'node:child_process';

/** Runs openssl with secrets on stdin or in the environment, never in argv. */
export function openssl(
  args: string[],
  options: { stdin?: string | Buffer; env?: Record<string, string>; cwd?: string } = {},
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, {
    input: options.stdin ?? '',
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** "sha1 Fingerprint=AB:CD:…" → "ABCD…". */
export function fingerprintOf(output: string): string {
  const match = output.match(/Fingerprint=([0-9A-F:]+)/i);
  if (!match?.[1]) throw new Error(`no fingerprint in: ${output}`);
  return match[1].replace(/:/g, '').toUpperCase();
}
