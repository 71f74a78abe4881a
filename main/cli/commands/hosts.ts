import type { Command } from 'commander';
import { startWebHost } from '../../web/server';
import { findRendererDir } from '../../web/renderer-dir';
import { createLogger } from '../../engine/app/logger';
import type { CliContext } from '../context';
import { parseWholeNumber } from '../parse';
import { notAvailableYet } from '../../engine/errors';

/** Resolves when the process is asked to stop. */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerHostCommands(program: Command, ctx: CliContext): void {
  program
    .command('web')
    .description('serve the console on http://127.0.0.1:<port>/ (loopback only, with a one-time token)')
    .option('--port <n>', 'port (default: a free one)')
    .action(async (options: { port?: string }) => {
      const port = parseWholeNumber('port', options.port) ?? 0;
      const host = await startWebHost({ engine: ctx.getEngine(), staticDir: findRendererDir(), port, logger: createLogger() });
      if (ctx.json) ctx.io.stdout(JSON.stringify({ url: host.url, urlWithToken: host.urlWithToken }) + '\n');
      else ctx.io.stdout(`Infrastructure Backup Console: ${host.urlWithToken}\n(loopback only; reach it from another machine through an SSH tunnel. Ctrl-C stops it.)\n`);
      await untilStopSignal();
      await host.close();
    });

  program
    .command('service')
    .description('run the scheduler and retention in the foreground (headless stations)')
    .action(async () => {
      throw notAvailableYet('The background service');
    });
}
