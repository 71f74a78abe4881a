import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import { builtinModules } from 'node:module';

// Every Node built-in, with and without the node: prefix ('fs', 'fs/promises', …).
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));
const noNodeBuiltins = (message) => ({
  paths: NODE_BUILTINS.map((name) => ({ name, message })),
  patterns: [{ group: ['node:*'], message }],
});

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
  // The engine runs in plain Node (CLI, web host, tests): Electron comes in through interfaces, and
  // the front doors sit on top of it, never under it.
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'main/engine must not import electron: pass Electron facilities in through an interface.' },
            { name: 'electron-store', message: 'main/engine must not import electron-store: the desktop passes its settings backend in.' },
          ],
          patterns: [
            { group: ['electron/*'], message: 'main/engine must not import electron.' },
            { group: ['**/electron/**', '../electron/*'], message: 'main/engine must not import the Electron adapter.' },
            {
              group: ['**/web/**', '**/web'],
              message: 'main/engine must not import the web host: the web host is a front door over the engine.',
            },
            { group: ['**/cli/**', '**/cli'], message: 'main/engine must not import the CLI: the CLI is a front door over the engine.' },
          ],
        },
      ],
    },
  },
  // common/ runs in the renderer (a sandboxed web page) as well as in main: no Node, no main-process code.
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noNodeBuiltins('common/ runs in the renderer too: it must not use Node built-ins.').paths,
          patterns: [
            ...noNodeBuiltins('common/ runs in the renderer too: it must not use Node built-ins.').patterns,
            { group: ['**/main/**', '../main/*', '../../main/*'], message: 'common/ must not import main-process code.' },
          ],
        },
      ],
    },
  },
  // The contract is shared by the sandboxed preload, the renderer and the engine: types and plain constants only.
  {
    files: ['preload/api.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[importKind!='type']",
          message: 'preload/api.ts must have no runtime imports: use `import type` (the sandboxed preload loads it).',
        },
        {
          selector: "ExportNamedDeclaration[source][exportKind!='type'], ExportAllDeclaration[exportKind!='type']",
          message: 'preload/api.ts must not re-export values from another module: use `export type`.',
        },
        { selector: 'ImportExpression', message: 'preload/api.ts must have no runtime imports.' },
        { selector: "CallExpression[callee.name='require']", message: 'preload/api.ts must have no runtime imports.' },
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
            ...noNodeBuiltins('The renderer must not use Node builtins.').paths,
          ],
          patterns: [
            ...noNodeBuiltins('The renderer must not use Node builtins.').patterns,
            {
              group: ['**/main/**', '../../main/*', '../main/*'],
              message: 'The renderer must not import main-process code; use the api client.',
            },
          ],
        },
      ],
    },
  },
  // A switch over a union handles every member, so a new error code, event or category cannot be
  // forgotten silently (needs type information: the TypeScript project service).
  {
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.vue'] } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true, allowDefaultCaseForExhaustiveSwitch: true },
      ],
    },
  },
  // Formatting belongs to Prettier (`npm run lint` checks it); style rules that would fight it are off.
  eslintConfigPrettier,
);
