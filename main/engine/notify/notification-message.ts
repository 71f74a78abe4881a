import type { Alert } from '../../../preload/api';
import { alertEventId } from './alert-event-ids';

/** One alert raised or closed, as every channel reports it. */
export interface AlertTransition {
  transition: 'raised' | 'closed';
  /** When the console saw the change. */
  at: string;
  alert: Alert;
}

/**
 * What a channel sends in one delivery: the alert changes coalesced since the
 * last one, a daily digest (the day's changes and what is still active), or a
 * test. Built once, then rendered as email text or the webhook's JSON.
 */
export interface NotificationMessage {
  type: 'alerts' | 'digest' | 'test';
  /** Unique per message; the webhook's delivery id, the email's reference. */
  id: string;
  createdAt: string;
  events: AlertTransition[];
  /** Digest only: the alerts active when it was sent. */
  activeAlerts: Alert[];
}

export interface ConsoleIdentity {
  productName: string;
  version: string;
  /** The station's host name, so a team that runs several consoles knows which one speaks. */
  station: string;
}

/** The webhook's body (documented in the README); version 1. */
export function webhookPayload(message: NotificationMessage, identity: ConsoleIdentity): Record<string, unknown> {
  const alertOf = (alert: Alert, transition: 'raised' | 'closed'): Record<string, unknown> => ({
    ...alert,
    eventId: alertEventId(alert.kind, transition),
  });
  return {
    version: 1,
    type: message.type,
    id: message.id,
    createdAt: message.createdAt,
    console: { product: identity.productName, version: identity.version, station: identity.station },
    events: message.events.map((e) => ({ transition: e.transition, at: e.at, alert: alertOf(e.alert, e.transition) })),
    activeAlerts: message.activeAlerts.map((a) => alertOf(a, 'raised')),
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function transitionLabel(e: AlertTransition): string {
  return e.transition === 'raised' ? `Raised [${e.alert.severity}]` : 'Closed';
}

/** Subject and plain-text body of an email. */
export function emailText(message: NotificationMessage, identity: ConsoleIdentity): { subject: string; text: string } {
  const prefix = `[${identity.productName} on ${identity.station}]`;
  const lines: string[] = [];
  let subject: string;
  if (message.type === 'test') {
    subject = `${prefix} Test message`;
    lines.push('This is a test message from the Infrastructure Backup Console: notifications by email reach you.');
  } else if (message.type === 'digest') {
    subject = `${prefix} Daily digest: ${message.activeAlerts.length} active alert${message.activeAlerts.length === 1 ? '' : 's'}, ${message.events.length} change${message.events.length === 1 ? '' : 's'}`;
    lines.push(`Active alerts: ${message.activeAlerts.length === 0 ? 'none.' : ''}`);
    for (const a of message.activeAlerts) lines.push(`  - [${a.severity}] ${oneLine(a.title)} (since ${a.raisedAt})`);
    lines.push('', `Raised or closed since the last digest: ${message.events.length === 0 ? 'nothing.' : ''}`);
  } else {
    const [first] = message.events;
    subject =
      message.events.length === 1 && first
        ? `${prefix} ${transitionLabel(first)}: ${oneLine(first.alert.title)}`
        : `${prefix} ${message.events.length} alert changes`;
  }
  for (const e of message.events) {
    lines.push('', `${transitionLabel(e)}: ${oneLine(e.alert.title)}`, `  at:         ${e.at}`);
    if (e.alert.detail) lines.push(`  detail:     ${oneLine(e.alert.detail)}`);
    if (e.transition === 'raised') lines.push(`  what to do: ${oneLine(e.alert.remediation)}`);
    lines.push(`  event id:   ${alertEventId(e.alert.kind, e.transition)}`);
  }
  lines.push('', `Sent by ${identity.productName} ${identity.version} on ${identity.station} at ${message.createdAt}.`);
  return { subject: oneLine(subject).slice(0, 250), text: lines.join('\n') + '\n' };
}
