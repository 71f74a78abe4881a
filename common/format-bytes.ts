const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Sizes as an operator reads them (binary multiples, at most one decimal): "29.6 TB", "512 B". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${ONE_DECIMAL.format(value)} ${UNITS[unit]}`;
}
