import type { Command } from 'commander';
import type { ScheduleView } from '../../../preload/api';
import { startWebHost } from '../../web/server';
import { findRendererDir } from '../../web/renderer-dir';
import type { CliContext } from '../context';
import { lineNotifier } from '../../engine/alerts';
import { parseWholeNumber } from '../parse';

const stoppingLine = (signal: NodeJS.Signals): string =>
  `${signal} received: stopping (a running backup is cancelled; its .partial folder is removed by the next run)`;

/**
 * Resolves when the process is asked to stop (SIGINT, SIGTERM), and keeps the
 * process alive until then: a pending promise alone holds nothing, and the
 * engine's timers are unref'd (a one-shot command must never wait for them),
 * so without this an idle host ends with Node's "unsettled top-level await"
 * status 13. `stopListening` gives the signals back (a host that failed to start).
 */
function listenForStop(): { signal: Promise<NodeJS.Signals>; stopListening: () => void } {
  let stopListening = (): void => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
    const stop = (received: NodeJS.Signals): void => {
      stopListening();
      resolve(received);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    stopListening = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
  });
  return { signal, stopListening };
}

export function registerHostCommands(program: Command, ctx: CliContext): void {
  program
    .command('web')
    .description('serve the console on http://127.0.0.1:<port>/ (loopback only, with a one-time token)')
    .option('--port <n>', 'port (default: a free one)')
    .action(async (options: { port?: string }) => {
      // Listen first: a SIGTERM during start-up stops it gracefully too.
      const stop = listenForStop();
      try {
        await serveUntilStopped(ctx, options, stop.signal);
      } finally {
        stop.stopListening();
      }
    });

  program
    .command('service')
    .description('run the scheduler and retention in the foreground (headless stations)')
    .action(async () => {
      // Listen first: a SIGTERM during start-up stops it gracefully too.
      const stop = listenForStop();
      try {
        await runServiceUntilStopped(ctx, stop.signal);
      } finally {
        stop.stopListening();
      }
    });
}

async function runServiceUntilStopped(ctx: CliContext, stopSignal: Promise<NodeJS.Signals>): Promise<void> {
  const log = (line: string): void => ctx.io.stdout(`${new Date().toISOString()} ${line}\n`);
  // Headless, a notification is a log line (once per newly raised alert).
  const engine = ctx.getEngine({ notifier: lineNotifier(log) });
  engine.onEvent((event) => {
    if (event.type === 'job-finished')
      log(
        event.backup?.state === 'Cancelled'
          ? `backup ${event.backup.backupId} Cancelled: ${event.error?.message ?? ''}`
          : event.error
            ? `backup ${event.backup?.backupId ?? ''} failed: ${event.error.message}${event.error.category ? ` [${event.error.category}]` : ''}`
            : `backup ${event.backup?.backupId} ${event.backup?.state}`,
      );
    if (event.type === 'timeline-appended') log(`${event.recordedElsewhere ? 'recorded by another process: ' : ''}${event.event.summary}`);
    if (event.type === 'schedule-changed') log(`schedule: ${scheduleLine(event.schedule)}`);
    if (event.type === 'alerts-changed')
      log(`alerts: ${event.alerts.length === 0 ? 'none' : event.alerts.map((a) => a.title).join(' | ')}`);
  });
  await engine.startAutomation();
  const schedule = await engine.getSchedule();
  log(`service started (config ${ctx.configDir}); ${scheduleLine(schedule)}`);
  const signal = await stopSignal;
  log(stoppingLine(signal));
  await engine.shutdown();
  log('service stopped');
}

function scheduleLine(schedule: ScheduleView): string {
  const paused = schedule.pause ? `; paused until ${schedule.pause.until}: ${schedule.pause.reason}` : '';
  return `automatic backups ${schedule.enabled ? `every ${schedule.frequencyHours} h, next ${schedule.nextBackupTime ?? 'not scheduled'}` : 'disabled'}${paused}`;
}

async function serveUntilStopped(ctx: CliContext, options: { port?: string }, stopSignal: Promise<NodeJS.Signals>): Promise<void> {
  // With --json, standard output carries only the sign-in links (one JSON object a line); lifecycle lines go to stderr.
  const log = (line: string): void => (ctx.json ? ctx.io.stderr : ctx.io.stdout)(`${new Date().toISOString()} ${line}\n`);
  const port = parseWholeNumber('port', options.port) ?? 0;
  const engine = ctx.getEngine();
  const printLink = (url: string, urlWithToken: string, label: string): void =>
    ctx.io.stdout(ctx.json ? JSON.stringify({ url, urlWithToken }) + '\n' : `${label}: ${urlWithToken}\n`);
  const host = await startWebHost({
    engine,
    staticDir: findRendererDir(),
    port,
    logger: ctx.logger,
    // Each sign-in link opens one page; the next one is printed here, where only the operator sees it.
    onNextSignInUrl: (next) => printLink(host.url, next, 'Sign-in link used; the next one'),
  });
  // The web host is a headless management server: it runs the schedule like the desktop app.
  await engine.startAutomation();
  printLink(host.url, host.urlWithToken, 'Infrastructure Backup Console');
  if (!ctx.json)
    ctx.io.stdout('(loopback only; each link opens one page; reach it from another machine through an SSH tunnel. Ctrl-C stops it.)\n');
  const signal = await stopSignal;
  log(stoppingLine(signal));
  await engine.shutdown(); // first, so open pages still see the job end
  await host.close();
  log('web host stopped');
}
