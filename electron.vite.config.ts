import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { compression } from 'vite-plugin-compression2';
import packageJson from './package.json' with { type: 'json' };

// Dependencies loaded from node_modules at run time: Electron's own store, and koffi (a native addon).
// Every other dependency is bundled into out/main, so a fresh CLI process reads a few files instead of
// resolving and compiling some 600 modules (README § Performance: `backup list`, fresh process).
const UNBUNDLED_DEPENDENCIES = ['electron-store', 'koffi'];
const bundledDependencies = Object.keys(packageJson.dependencies).filter((name) => !UNBUNDLED_DEPENDENCIES.includes(name));

// One config builds the three Electron bundles. The main bundle has extra
// entries that run in plain Node: the CLI (also the web host), the engine host and the benchmarks.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The benchmarks drive Chromium (bench/ui.ts): loaded from node_modules, not bundled.
      externalizeDeps: { include: ['playwright-core'], exclude: bundledDependencies },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/index.ts'),
          cli: resolve(__dirname, 'main/cli/index.ts'),
          // The engine's own process on the desktop (utilityProcess.fork); plain Node.
          'engine-host': resolve(__dirname, 'main/engine/host/index.ts'),
          bench: resolve(__dirname, 'bench/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        // A sandboxed preload cannot load ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // The renderer ships minified, with brotli and gzip copies of each text asset
  // beside it: the web host sends those as they are (main/web/static-files.ts).
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [vue(), compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css|html|svg)$/, logLevel: 'silent' })],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
