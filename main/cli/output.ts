import type { CliIo } from './io';

/** Prints data as JSON with --json, or as aligned `key: value` lines for people. */
export function printData(io: CliIo, json: boolean, value: unknown, human?: () => string): void {
  if (json) {
    io.stdout(JSON.stringify(value, null, 2) + '\n');
    return;
  }
  io.stdout(human ? human() : formatHuman(value));
}

export function formatHuman(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return `${indent}-\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)\n`;
    return value.map((item) => formatHuman(item, indent) + (typeof item === 'object' ? '\n' : '')).join('');
  }
  if (typeof value !== 'object') return `${indent}${String(value)}\n`;
  const entries = Object.entries(value as Record<string, unknown>);
  const width = Math.max(0, ...entries.map(([key]) => key.length));
  return entries
    .map(([key, item]) =>
      item !== null && typeof item === 'object'
        ? `${indent}${key}:\n${formatHuman(item, indent + '  ')}`
        : `${indent}${key.padEnd(width)}  ${item === null || item === undefined ? '-' : String(item)}\n`,
    )
    .join('');
}
