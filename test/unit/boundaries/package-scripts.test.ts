import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../../electron.vite.config';
import { ENGINE_HOST_ENTRY } from '../../../main/electron/engine-process';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

interface BundleConfig {
  build?: { outDir?: string; rollupOptions?: { input?: Record<string, string>; output?: { entryFileNames?: string } } };
}

/** Every file `npm run build` emits an entry to, read from electron-vite's own config (no build needed). */
function builtEntries(): Set<string> {
  const built = new Set<string>();
  const bundles = config as unknown as Record<'main' | 'preload' | 'renderer', BundleConfig>;
  for (const bundle of [bundles.main, bundles.preload, bundles.renderer]) {
    const outDir = path.relative(root, path.resolve(root, bundle.build?.outDir ?? ''));
    const names = bundle.build?.rollupOptions?.output?.entryFileNames ?? '[name].js';
    for (const [name, source] of Object.entries(bundle.build?.rollupOptions?.input ?? {})) {
      built.add(path.join(outDir, source.endsWith('.html') ? path.basename(source) : names.replace('[name]', name)));
    }
  }
  return built;
}

/** The files a command line runs with node: `node [flags] FILE …`, for each command of `a && b`. */
function nodeEntries(commandLine: string): string[] {
  return commandLine
    .split(/&&|\|\||;/)
    .map((command) => command.trim().split(/\s+/))
    .filter((words) => words[0] === 'node')
    .map((words) => words.slice(1).find((word) => !word.startsWith('-')) ?? '');
}

/** out/… paths a launcher file refers to (bin/infra-backup.js, scripts/start.mjs). */
function outPathsIn(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/['"`](?:\.\.\/)?(out\/[\w./-]+\.[cm]?js)['"`]/g)].map((match) => match[1]!);
}

// A script pointing at a file the build does not emit fails only when someone runs it
// (`npm run web` once ran out/cli/index.js, which never existed).
describe('package scripts run files that exist or that the build emits', () => {
  const built = builtEntries();

  it('reads the build outputs from the electron-vite config', () => {
    expect(built).toEqual(
      new Set([
        'out/main/index.js',
        'out/main/cli.js',
        'out/main/bench.js',
        'out/main/engine-host.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
      ]),
    );
  });

  it('the engine host the desktop forks is built', () => {
    expect(built).toContain(`out/${ENGINE_HOST_ENTRY}`);
  });

  it.each(Object.entries(pkg.scripts))('npm run %s', (_name, commandLine) => {
    for (const entry of nodeEntries(commandLine)) {
      if (entry.startsWith('out/')) expect(built, `${entry} is not built by npm run build`).toContain(entry);
      else expect(existsSync(path.join(root, entry)), `${entry} does not exist`).toBe(true);
      if (!entry.startsWith('out/')) for (const out of outPathsIn(entry)) expect(built, `${entry} runs ${out}`).toContain(out);
    }
  });

  it('the package main and every bin launcher lead to built entries', () => {
    expect(built).toContain(pkg.main);
    for (const launcher of Object.values(pkg.bin)) {
      expect(existsSync(path.join(root, launcher))).toBe(true);
      const targets = outPathsIn(launcher);
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(built).toContain(target);
    }
  });
});
