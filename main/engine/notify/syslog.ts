import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PermanentDeliveryError } from './channel';
import type { SystemLog, SystemLogEntry } from './system-log';

export const DEFAULT_SYSLOG_SOCKET = '/dev/log';
export const SYSLOG_TAG = 'infra-backup';

/** syslog severities (RFC 5424 §6.2.1) in facility user (1): priority = 8 + severity. */
const PRIORITY: Record<SystemLogEntry['level'], number> = { error: 8 + 3, warning: 8 + 4, information: 8 + 6 };

/**
 * syslog through util-linux `logger`, writing datagrams to the local socket
 * (/dev/log: journald or rsyslog). Node has no Unix datagram sockets, and the
 * npm syslog clients either need a native addon or speak UDP to a network
 * daemon; `logger` is in every Linux base system (bsdutils), formats the
 * local syslog line itself, and reads the messages from stdin — argv holds
 * only constants, so no alert text can become an option. Each stdin line is
 * one message, its priority given by a `<PRI>` prefix (--prio-prefix); the
 * message starts with the event id, `IBC1001: …`.
 */
export function syslog(socketPath = DEFAULT_SYSLOG_SOCKET): SystemLog {
  return {
    target: 'syslog',
    async write(entries) {
      if (entries.length === 0) return;
      if (!existsSync(socketPath))
        throw new PermanentDeliveryError(
          `There is no system log socket at ${socketPath} (journald or rsyslog is not running on this station).`,
        );
      const input = entries.map((e) => `<${PRIORITY[e.level]}>IBC${e.eventId}: ${e.message.replace(/[\r\n]+/g, ' ')}\n`).join('');
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          'logger',
          [
            '--socket',
            socketPath,
            '--socket-errors=on',
            '--tag',
            SYSLOG_TAG,
            '--id=' + String(process.pid),
            '--prio-prefix',
            '--size',
            '8192',
          ],
          { stdio: ['pipe', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } },
        );
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`logger exited with status ${code}: ${stderr.trim() || 'no message'}`)),
        );
        child.stdin.on('error', () => undefined);
        child.stdin.end(input);
      });
    },
  };
}
