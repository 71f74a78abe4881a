import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built renderer (out/renderer). The bundler may place this code in
 * out/main or in a shared chunk below it, and tests run it from source, so
 * look upwards from here for `out/renderer/` (never the unbuilt renderer/ source).
 */
export function findRendererDir(): string {
  const candidates: string[] = [];
  for (let dir = dirname(fileURLToPath(import.meta.url)), depth = 0; depth < 5; dir = dirname(dir), depth++) {
    candidates.push(basename(dir) === 'out' ? join(dir, 'renderer') : join(dir, 'out', 'renderer'));
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`The console's web files were not found (looked in ${candidates.join(', ')}). Run \`npm run build\` first.`);
  return found;
}
