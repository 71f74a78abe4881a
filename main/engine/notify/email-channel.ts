import type { NotificationChannel } from './channel';
import { ATTEMPT_TIMEOUT_MS } from './channel';
import { emailText, type ConsoleIdentity } from './notification-message';
import { registerSecret } from '../redact';
import { trustedRoots } from '../stamp/trust-roots';

export interface EmailSettings {
  host: string;
  port: number;
  security: 'starttls' | 'tls';
  username: string;
  from: string;
  to: string[];
  caPem: string;
}

/**
 * Email through the operator's SMTP server with nodemailer. TLS is required
 * either way — STARTTLS on submission (587, the upgrade is mandatory: a server
 * that does not offer it fails the attempt rather than receiving the password
 * in clear) or TLS from the first byte (465) — and the server's certificate is
 * verified against the station's roots plus an added enterprise CA.
 */
export function emailChannel(settings: EmailSettings, password: () => string | null, identity: ConsoleIdentity): NotificationChannel {
  return {
    async send(message, signal) {
      const pass = password();
      registerSecret(pass);
      const ca = settings.caPem.trim() ? await trustedRoots([settings.caPem]) : undefined;
      // Loaded when an email is sent: a fresh process that sends none does not read it (README § Performance).
      const { default: nodemailer } = await import('nodemailer');
      const transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.security === 'tls',
        requireTLS: settings.security === 'starttls',
        ...(settings.username ? { auth: { user: settings.username, pass: pass ?? '' } } : {}),
        tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(ca ? { ca } : {}) },
        connectionTimeout: ATTEMPT_TIMEOUT_MS,
        greetingTimeout: ATTEMPT_TIMEOUT_MS,
        socketTimeout: ATTEMPT_TIMEOUT_MS,
        disableFileAccess: true,
        disableUrlAccess: true,
        logger: false,
      });
      const abort = (): void => transport.close();
      signal.addEventListener('abort', abort, { once: true });
      try {
        const { subject, text } = emailText(message, identity);
        await transport.sendMail({
          from: settings.from,
          to: settings.to,
          subject,
          text,
          headers: { 'X-IBC-Message-Id': message.id, 'X-IBC-Message-Type': message.type },
        });
      } finally {
        signal.removeEventListener('abort', abort);
        transport.close();
      }
    },
  };
}
