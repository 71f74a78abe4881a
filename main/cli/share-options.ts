import type { Command } from 'commander';
import type { ShareTestResult, TestShareInput } from '../../preload/api';
import { CliApiError, type CliContext } from './context';
import { readSecretFromStdin } from './io';
import { printData } from './output';
import { parseWholeNumber } from './parse';

/** The share options `config set` and `share test` take alike. */
export interface ShareOptions {
  path?: string;
  username?: string;
  passwordStdin?: boolean;
  smbPort?: string;
}

export function addShareOptions(command: Command): Command {
  return command
    .option('--path <unc>', 'storage location, \\\\host\\share[\\folder…]')
    .option('--username <user>', 'DOMAIN\\user or user@domain')
    .option('--password-stdin', 'read the share password from standard input')
    .option('--smb-port <n>', 'SMB port (default 445)');
}

/** The share the options name (absent ones: as saved), reading the password from standard input when asked. */
export async function shareCandidate(ctx: CliContext, options: ShareOptions): Promise<TestShareInput> {
  const candidate: TestShareInput = {};
  if (options.path !== undefined) candidate.location = options.path;
  if (options.username !== undefined) candidate.username = options.username;
  if (options.passwordStdin) candidate.password = await readSecretFromStdin(ctx.io, 'password');
  const smbPort = parseWholeNumber('smb-port', options.smbPort);
  if (smbPort !== undefined) candidate.smbPort = smbPort;
  return candidate;
}

/** Runs the connection test on `candidate` and prints it; a failure exits 3 with its category. */
export async function testShareOrFail(ctx: CliContext, candidate: TestShareInput): Promise<ShareTestResult> {
  const result = await ctx.call('testShare', candidate);
  printData(ctx.io, ctx.json, result);
  // Exit 3 with the category: scripts act on it like on any share error.
  if (result.failure) throw new CliApiError(result.failure);
  return result;
}
