import type { Command } from 'commander';
import type { NotificationsView, NotificationTestResult, NotifyChannel } from '../../../preload/api';
import { ROOT_CA_FILE, readInputFile } from '../../engine/app/input-file';
import { EngineError, invalidInput } from '../../engine/errors';
import type { CliContext } from '../context';
import { readSecretFromStdin } from '../io';
import { printData } from '../output';
import { parseWholeNumber } from '../parse';

interface ChannelOptions {
  disable?: boolean;
  digest?: string | boolean;
  caFile?: string;
}

interface EmailOptions extends ChannelOptions {
  host?: string;
  port?: string;
  security?: string;
  username?: string;
  passwordStdin?: boolean;
  from?: string;
  to?: string[];
}

interface WebhookOptions extends ChannelOptions {
  url?: string;
  secretStdin?: boolean;
}

const CHANNELS: readonly NotifyChannel[] = ['email', 'webhook', 'system-log'];

function statusLine(view: NotificationsView, channel: NotifyChannel): string {
  const s = view.status[channel];
  const parts = [`last delivery: ${s.state}`];
  if (s.lastAttemptAt) parts.push(`last attempt ${s.lastAttemptAt}`);
  if (s.lastDeliveredAt) parts.push(`last delivered ${s.lastDeliveredAt}`);
  if (s.pending > 0) parts.push(`${s.pending} waiting`);
  return `  ${parts.join(', ')}${s.lastError ? `\n  last error:    ${s.lastError}` : ''}`;
}

/** What `notify show` prints: each channel's settings (secrets only as set/not set) and its last delivery. */
function describeNotifications(view: NotificationsView): string {
  const out: string[] = [];
  const mode = (c: { mode: string; digestAt: string }) =>
    c.mode === 'daily-digest' ? `daily digest at ${c.digestAt}` : 'at once (changes within a minute together)';
  if (view.email) {
    const e = view.email;
    out.push(
      `email:      ${e.enabled ? 'on' : 'off'} — ${e.to.join(', ')} from ${e.from}`,
      `  server:        ${e.host}:${e.port} (${e.security === 'starttls' ? 'STARTTLS' : 'TLS'}), ${e.username ? `user ${e.username}, password ${e.passwordSet ? 'set' : 'NOT set'}` : 'no authentication'}${e.caPemSet ? ', added root CA' : ''}`,
      `  sends:         ${mode(e)}`,
    );
  } else out.push('email:      not set up (notify email set …)');
  out.push(statusLine(view, 'email'));
  if (view.webhook) {
    const w = view.webhook;
    out.push(
      `webhook:    ${w.enabled ? 'on' : 'off'} — ${w.url}`,
      `  signing secret: ${w.secretSet ? 'set' : 'NOT set'}${w.caPemSet ? ', added root CA' : ''}`,
      `  sends:         ${mode(w)}`,
    );
  } else out.push('webhook:    not set up (notify webhook set …)');
  out.push(statusLine(view, 'webhook'));
  out.push(`system log: ${view.systemLog.enabled ? 'on' : 'off'} (${view.systemLog.target === 'syslog' ? 'syslog' : 'Windows Event Log'})`);
  out.push(statusLine(view, 'system-log'));
  return out.join('\n') + '\n';
}

function describeTest(results: NotificationTestResult): string {
  return results.map((r) => `${r.channel}: ${r.ok ? 'OK' : 'FAILED'} — ${r.message}`).join('\n') + '\n';
}

/** --digest [HH:MM] turns the daily digest on (default 08:00, or the time already set); --no-digest sends at once. */
function digestOf(options: ChannelOptions, current: { mode: 'immediate' | 'daily-digest'; digestAt: string } | null) {
  if (options.digest === undefined) return current ? { mode: current.mode, digestAt: current.digestAt } : {};
  if (options.digest === false) return { mode: 'immediate' as const, digestAt: current?.digestAt ?? '08:00' };
  return { mode: 'daily-digest' as const, digestAt: options.digest === true ? (current?.digestAt ?? '08:00') : options.digest };
}

async function caPemOf(options: ChannelOptions): Promise<{ caPem?: string }> {
  if (options.caFile === undefined) return {};
  if (options.caFile === '') return { caPem: '' };
  return { caPem: (await readInputFile('ca-file', options.caFile, ROOT_CA_FILE)).toString('utf8') };
}

function required<T>(value: T | undefined, option: string, what: string): T {
  if (value === undefined) throw invalidInput(option, `--${option} is required the first time: ${what}.`);
  return value;
}

/**
 * `notify show | email set | webhook set | system-log on|off | test`: who is
 * told of alerts raised and closed. Options not given keep their current
 * values; secrets only from standard input.
 */
export function registerNotifyCommands(program: Command, ctx: CliContext): void {
  const notify = program.command('notify').description('email, webhook and system log notifications of alerts raised and closed');

  notify
    .command('show')
    .description("each channel's settings (secrets only as set or not) and its last delivery")
    .action(async () => {
      const view = await ctx.call('getNotifications');
      printData(ctx.io, ctx.json, view, () => describeNotifications(view));
    });

  const email = notify.command('email').description('notifications by email (SMTP with STARTTLS or TLS)');
  email
    .command('set')
    .description('set up or change email notifications; the password only from standard input')
    .option('--host <host>', 'SMTP server (host name or address)')
    .option('--port <n>', 'SMTP port (default 587)')
    .option('--security <mode>', 'starttls (default, port 587) or tls (port 465)')
    .option('--username <user>', 'SMTP account ("" for a server that takes mail without authentication)')
    .option('--password-stdin', "read the SMTP account's password from standard input")
    .option('--from <address>', 'sender address')
    .option('--to <address...>', 'recipients (replace the current list)')
    .option('--digest [HH:MM]', 'send one daily digest at this local time (default 08:00) instead of each change')
    .option('--no-digest', 'send each change (changes within a minute together)')
    .option('--ca-file <file>', 'PEM root CA the server certificate chains to, besides the station\'s store ("" removes it)')
    .option('--disable', 'keep the settings but send nothing')
    .action(async (options: EmailOptions) => {
      const current = (await ctx.call('getNotifications')).email;
      const password = options.passwordStdin ? await readSecretFromStdin(ctx.io, 'password') : undefined;
      const view = await ctx.call('setEmailNotifications', {
        enabled: !options.disable,
        host: options.host ?? required(current?.host, 'host', 'the SMTP server'),
        port: parseWholeNumber('port', options.port) ?? current?.port ?? 587,
        security: (options.security ?? current?.security ?? 'starttls') as 'starttls' | 'tls',
        username: options.username ?? current?.username ?? '',
        ...(password !== undefined ? { password } : {}),
        from: options.from ?? required(current?.from, 'from', 'the sender address'),
        to: options.to ?? required(current?.to, 'to', 'at least one recipient'),
        ...digestOf(options, current),
        ...(await caPemOf(options)),
      });
      printData(ctx.io, ctx.json, view, () => describeNotifications(view));
    });

  const webhook = notify.command('webhook').description('notifications by a signed HTTPS POST');
  webhook
    .command('set')
    .description('set up or change the webhook; the signing secret only from standard input')
    .option('--url <https-url>', 'the receiver (https:// only)')
    .option('--secret-stdin', 'read the HMAC-SHA256 signing secret (16+ characters) from standard input')
    .option('--digest [HH:MM]', 'send one daily digest at this local time (default 08:00) instead of each change')
    .option('--no-digest', 'send each change (changes within a minute together)')
    .option('--ca-file <file>', 'PEM root CA the receiver certificate chains to, besides the station\'s store ("" removes it)')
    .option('--disable', 'keep the settings but send nothing')
    .action(async (options: WebhookOptions) => {
      const current = (await ctx.call('getNotifications')).webhook;
      const secret = options.secretStdin ? await readSecretFromStdin(ctx.io, 'secret') : undefined;
      const view = await ctx.call('setWebhookNotifications', {
        enabled: !options.disable,
        url: options.url ?? required(current?.url, 'url', 'the receiver URL'),
        ...(secret !== undefined ? { secret } : {}),
        ...digestOf(options, current),
        ...(await caPemOf(options)),
      });
      printData(ctx.io, ctx.json, view, () => describeNotifications(view));
    });

  const systemLog = notify.command('system-log').description('alerts in syslog (Linux) or the Windows Event Log, with stable event ids');
  for (const [name, enabled] of [
    ['on', true],
    ['off', false],
  ] as const)
    systemLog
      .command(name)
      .description(enabled ? 'write alerts to the system log (the default)' : 'stop writing alerts to the system log')
      .action(async () => {
        const view = await ctx.call('setSystemLogNotifications', { enabled });
        printData(ctx.io, ctx.json, view, () => describeNotifications(view));
      });

  notify
    .command('test')
    .description('send a test message now on every enabled channel (or one); exit 4 when one fails')
    .option('--channel <channel>', `only this channel: ${CHANNELS.join(', ')}`)
    .action(async (options: { channel?: string }) => {
      const results = await ctx.call('testNotifications', options.channel ? { channel: options.channel as NotifyChannel } : {});
      printData(ctx.io, ctx.json, results, () => describeTest(results));
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0)
        throw new EngineError({
          code: 'operation-failed',
          message: `The test message did not get through on: ${failed.map((r) => r.channel).join(', ')}.`,
          remediation: 'Read the reason above, correct the channel with `infra-backup notify … set`, and send the test again.',
        });
    });
}
