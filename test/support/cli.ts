import { runCli } from '../../main/cli/program';

/** Runs one CLI invocation in-process with the given standard input; returns exit status and output. */
export async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => stdin });
  return { code, out, err };
}
