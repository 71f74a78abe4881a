import pino, { type Logger } from 'pino';
import { scrubSecrets } from '../redact';

export type { Logger };

/**
 * pino with two layers of redaction: known secret field paths are censored by
 * pino itself, and every formatted line passes through scrubSecrets so a
 * secret that leaked into a message or a child process's output is removed too.
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const scrubbing = {
    write(line: string): void {
      destination.write(scrubSecrets(line));
    },
  };
  return pino(
    {
      level: options.level ?? process.env.IBC_LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          'password',
          'passwordConfirm',
          'pfxPassword',
          'pfxPasswordConfirm',
          'keyBase64',
          'encryptionKeyBase64',
          'pfxBase64',
          '*.password',
          '*.passwordConfirm',
          '*.pfxPassword',
          '*.encryptionKeyBase64',
          '*.keyBase64',
          '*.pfxBase64',
          'key.password',
          'key.keyBase64',
          'key.pfxBase64',
        ],
        censor: '***',
      },
    },
    scrubbing,
  );
}
