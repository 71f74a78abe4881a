import type { Command } from 'commander';
import { startWebHost } from '../../web/server';
import { findRendererDir } from '../../web/renderer-dir';
import type { CliContext } from '../context';
import { lineNotifier } from '../../engine/alerts';
import { parseWholeNumber } from '../parse';

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
      const engine = ctx.getEngine();
      const host = await startWebHost({ engine, staticDir: findRendererDir(), port, logger: ctx.logger });
      // The web host is a headless management server: it runs the schedule like the desktop app.
      await engine.startAutomation();
      if (ctx.json) ctx.io.stdout(JSON.stringify({ url: host.url, urlWithToken: host.urlWithToken }) + '\n');
      else
        ctx.io.stdout(
          `Infrastructure Backup Console: ${host.urlWithToken}\n(loopback only; reach it from another machine through an SSH tunnel. Ctrl-C stops it.)\n`,
        );
      await untilStopSignal();
      await host.close();
      await engine.shutdown();
    });

  program
    .command('service')
    .description('run the scheduler and retention in the foreground (headless stations)')
    .action(async () => {
      const log = (line: string): void => ctx.io.stdout(`${new Date().toISOString()} ${line}\n`);
      // Headless, a notification is a log line (once per newly raised alert).
      const engine = ctx.getEngine({ notifier: lineNotifier(log) });
      engine.onEvent((event) => {
        if (event.type === 'job-finished')
          log(
            event.error
              ? `backup ${event.backup?.backupId ?? ''} failed: ${event.error.message}${event.error.category ? ` [${event.error.category}]` : ''}`
              : `backup ${event.backup?.backupId} ${event.backup?.state}`,
          );
        if (event.type === 'timeline-appended') log(event.event.summary);
        if (event.type === 'alerts-changed')
          log(`alerts: ${event.alerts.length === 0 ? 'none' : event.alerts.map((a) => a.title).join(' | ')}`);
      });
      await engine.startAutomation();
      const schedule = await engine.getSchedule();
      log(
        `service started (config ${ctx.configDir}); automatic backups ${schedule.enabled ? `every ${schedule.frequencyHours} h, next ${schedule.nextBackupTime ?? 'not scheduled'}` : 'disabled'}`,
      );
      const signal = await untilStopSignal();
      log(`${signal} received: stopping (a running backup is cancelled; its .partial folder is removed by the next run)`);
      await engine.shutdown();
      log('service stopped');
    });
}
