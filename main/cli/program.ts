import { Command, CommanderError } from 'commander';
import type { ApiError } from '../../preload/api';
import { APP_VERSION } from '../version';
import { toEngineError } from '../engine/errors';
import { CliApiError, CliContext, CliInterrupted, type GlobalOptions } from './context';
import { EXIT, exitCodeFor, formatError, type CliIo } from './io';
import { registerConfigCommands } from './commands/config';
import { registerKeyCommands } from './commands/keys';
import { registerOperationCommands } from './commands/operations';
import { registerHostCommands } from './commands/hosts';
import { registerPruneCommand } from './commands/prune';
import { registerAlertCommands } from './commands/alerts';
import { registerStampCommands } from './commands/stamp';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('infra-backup')
    .description('Infrastructure Backup Console: encrypted infrastructure backups to an SMB file share')
    .version(APP_VERSION, '-V, --version')
    .option('--config-dir <dir>', "folder holding all state: settings, secrets, history (default: the desktop app's folder)")
    .option('--json', 'print data as JSON')
    .option('--verbose', 'print the technical cause of a failure and every log line to stderr (the log file has them always)')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .exitOverride();
  registerConfigCommands(program, ctx);
  registerOperationCommands(program, ctx);
  registerPruneCommand(program, ctx);
  registerKeyCommands(program, ctx);
  registerAlertCommands(program, ctx);
  registerHostCommands(program, ctx);
  registerStampCommands(program, ctx);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
    for (const sub of command.commands)
      sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
  }
  return program;
}

/** Runs one CLI invocation and returns its exit status (see docs/CLI.md). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let program: Command | null = null;
  const ctx = new CliContext(io, () => (program ? program.opts<GlobalOptions>() : {}));
  program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      // Usage errors (unknown option, missing argument) are invalid input.
      return EXIT.invalidInput;
    }
    let apiError: ApiError;
    if (error instanceof CliApiError) apiError = error.apiError;
    else {
      // Failures outside dispatch (reading a file, writing the output): their cause is logged here.
      const engineError = toEngineError(error);
      ctx.logger.warn({ code: engineError.code, cause: engineError.technicalCause }, engineError.message);
      apiError = engineError.toApiError();
    }
    if (ctx.json) io.stderr(JSON.stringify({ error: apiError }) + '\n');
    else io.stderr(formatError(apiError));
    return error instanceof CliInterrupted ? error.exitCode : exitCodeFor(apiError.code);
  } finally {
    await ctx.close();
  }
}
