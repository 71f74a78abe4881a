import type { CliIo } from './io';

/** Prints data as JSON with --json, or as aligned `key: value` lines for people. */
export function printData(io: CliIo, json: boolean, value: unknown, human?: () => string): void {
  if (json) {
    io.stdout(JSON.stringify(value, null, 2) + '\n');
    return;
  }
  io.stdout(human ? human() : formatHuman(value));
}

/**
 * Characters that would let a value forge or restyle lines of the output: C0
 * and C1 controls (newline, carriage return, the escape that starts ANSI
 * sequences), DEL, line and paragraph separators, and bidirectional overrides.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value made safe for a terminal: every unprintable character shown as an
 * escape (`\n`, `\u001b`), so text from the share (a folder name, a manifest
 * field) can never start a line of its own or colour the screen.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatHuman(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return `${indent}-\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)\n`;
    return value.map((item) => formatHuman(item, indent) + (typeof item === 'object' ? '\n' : '')).join('');
  }
  if (typeof value !== 'object') return `${indent}${escapeForTerminal(String(value))}\n`;
  const entries = Object.entries(value as Record<string, unknown>);
  const width = Math.max(0, ...entries.map(([key]) => key.length));
  return entries
    .map(([key, item]) =>
      item !== null && typeof item === 'object'
        ? `${indent}${escapeForTerminal(key)}:\n${formatHuman(item, indent + '  ')}`
        : `${indent}${escapeForTerminal(key).padEnd(width)}  ${item === null || item === undefined ? '-' : escapeForTerminal(String(item))}\n`,
    )
    .join('');
}
