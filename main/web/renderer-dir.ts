import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built renderer: next to the bundled main (out/main → out/renderer), or out/ when run from source. */
export function findRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', 'renderer'), resolve(here, '..', '..', 'out', 'renderer')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`The console's web files were not found (looked in ${candidates.join(', ')}). Run \`npm run build\` first.`);
  return found;
}
