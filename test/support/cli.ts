import { runCli } from '../../main/cli/program';
import type { SambaServer } from './samba';

/** Runs one CLI invocation in-process with the given standard input; returns exit status and output. */
export async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => stdin });
  return { code, out, err };
}

/**
 * `config set` against a test Samba server: its share (or `location` on it),
 * its account, the password on standard input (never in argv), its port and
 * `cer`. `args` adds options (`--skip-share-test`, `--frequency 6`…);
 * `password` replaces the right one (a wrong password on purpose). Throws
 * with the CLI's error output unless it exits 0.
 */
export async function configSetOnSamba(
  server: SambaServer,
  config: string,
  cer: string,
  { location = server.uncPath, password = server.password, args = [] }: { location?: string; password?: string; args?: string[] } = {},
): Promise<{ code: number; out: string; err: string }> {
  const account = `${server.workgroup}\\${server.username}`;
  const set = await cli(
    ['--config-dir', config, 'config', 'set', '--path', location, '--username', account, '--password-stdin'].concat(
      ['--smb-port', String(server.port), '--cert', cer],
      args,
    ),
    `${password}\n`,
  );
  if (set.code !== 0) throw new Error(`config set exited ${set.code}: ${set.err}`);
  return set;
}
