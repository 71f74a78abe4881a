import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import eslintConfigPrettier from 'eslint-config-prettier/flat';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'stream/promises',
  'tls',
  'url',
  'util',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'test/interop/**', 'test/vectors/**', 'bin/**', 'scripts/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  // The engine runs in plain Node (CLI, web host, tests): Electron comes in through interfaces.
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'main/engine must not import electron: pass Electron facilities in through an interface.' }],
          patterns: [
            { group: ['electron/*'], message: 'main/engine must not import electron.' },
            { group: ['**/electron/**', '../electron/*'], message: 'main/engine must not import the Electron adapter.' },
          ],
        },
      ],
    },
  },
  // The renderer is a sandboxed web page: no Node builtins, no main-process code.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through the api client.' },
            ...NODE_BUILTINS.map((name) => ({ name, message: 'The renderer must not use Node builtins.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer must not use Node builtins.' },
            {
              group: ['**/main/**', '../../main/*', '../main/*'],
              message: 'The renderer must not import main-process code; use the api client.',
            },
          ],
        },
      ],
    },
  },
  // Formatting belongs to Prettier (`npm run lint` checks it); style rules that would fight it are off.
  eslintConfigPrettier,
);
