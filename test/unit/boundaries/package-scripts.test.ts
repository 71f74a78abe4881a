import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

// `npm run bench` runs the bundle electron-vite emits for the bench entry;
// a script pointing anywhere else fails only when someone benchmarks.
describe('package scripts', () => {
  it('bench runs the bench entry electron-vite builds into out/main', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const config = readFileSync(path.join(root, 'electron.vite.config.ts'), 'utf8');
    expect(config).toMatch(/outDir: 'out\/main'/);
    expect(config).toMatch(/bench: resolve\(__dirname, 'bench\/index\.ts'\)/);
    expect(pkg.scripts.bench).toMatch(/node [^&]*out\/main\/bench\.js$/);
  });
});
