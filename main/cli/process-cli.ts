import { readAllStdin } from './io';
import { runCli } from './program';

/** The CLI on this process's standard streams; resolves to the exit status. */
export function runProcessCli(argv: string[]): Promise<number> {
  return runCli(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: readAllStdin,
  });
}

/**
 * `<app executable> cli …`: how the installed desktop app runs the command
 * line. Its Electron fuses turn RunAsNode off, so the app itself routes; the
 * arguments after `cli` are the CLI's. Null when the app was started as the
 * desktop. (Packaged: [exe, 'cli', …]; from the project: [electron, '.', 'cli', …].)
 */
export function appCliArguments(argv: readonly string[], isPackaged: boolean): string[] | null {
  const args = argv.slice(isPackaged ? 1 : 2);
  return args[0] === 'cli' ? args.slice(1) : null;
}

/** Runs the CLI inside the app, then exits the app with the CLI's status (Electron never exits by itself). */
export async function runAppCli(args: string[], app: { exit(code: number): void }): Promise<void> {
  let code = 1;
  try {
    code = await runProcessCli(args);
  } finally {
    app.exit(code);
  }
}
