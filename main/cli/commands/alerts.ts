import type { Command } from 'commander';
import type { Alert } from '../../../preload/api';
import type { CliContext } from '../context';
import { printData } from '../output';

/** One alert as the window shows it: severity and title, since when, the detail, what to do. */
function alertLines(alert: Alert): string {
  const lines = [`[${alert.severity}] ${alert.title}`, `  since:      ${alert.raisedAt}`];
  if (alert.detail) lines.push(`  detail:     ${alert.detail}`);
  lines.push(`  what to do: ${alert.remediation}`);
  return lines.join('\n') + '\n';
}

export function registerAlertCommands(program: Command, ctx: CliContext): void {
  program
    .command('alerts')
    .description('list the active alerts (as the window shows them), with their remediation')
    .action(async () => {
      const alerts = await ctx.call('listAlerts');
      printData(ctx.io, ctx.json, alerts, () => (alerts.length === 0 ? 'No active alerts.\n' : alerts.map(alertLines).join('\n')));
    });
}
