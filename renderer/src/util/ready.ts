let marked = false;

/**
 * The first page has its data and takes input: a performance mark (read by
 * `npm run bench -- ui`, measured from navigation start) and an attribute
 * tests can wait for.
 */
export function markInteractive(): void {
  if (marked) return;
  marked = true;
  performance.mark('console-interactive');
  document.documentElement.dataset.interactive = 'true';
}
