import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');

// The project's own eslint.config.js. Import rules need no type information, so this instance
// parses without the TypeScript project service (fast, and files need not exist); the
// exhaustive-switch rule is checked below with the full, typed configuration.
const untyped = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});

async function messagesOf(eslint: ESLint, file: string, code: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  const messages = result?.messages ?? [];
  // A file that does not parse proves nothing: fail rather than pass for the wrong reason.
  expect(messages.filter((m) => m.fatal).map((m) => m.message)).toEqual([]);
  return messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

const restrictedImports = (file: string, code: string): Promise<string[]> => messagesOf(untyped, file, code, 'no-restricted-imports');
const restrictedSyntax = (file: string, code: string): Promise<string[]> => messagesOf(untyped, file, code, 'no-restricted-syntax');

describe('architecture boundaries enforced by lint', () => {
  it('fails lint when the engine imports electron or electron-store', async () => {
    const electron = await restrictedImports('main/engine/leak.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(electron.join('\n')).toMatch(/main\/engine must not import electron/);
    const store = await restrictedImports('main/engine/leak.ts', "import Store from 'electron-store';\nexport const x = Store;\n");
    expect(store.join('\n')).toMatch(/must not import electron-store/);
  });

  it('fails lint when the engine imports the Electron adapter, the web host or the CLI', async () => {
    expect(
      await restrictedImports('main/engine/leak.ts', "import { openDesktop } from '../electron/desktop';\nexport const x = openDesktop;\n"),
    ).not.toEqual([]);
    const web = await restrictedImports(
      'main/engine/backup/leak.ts',
      "import { startWebHost } from '../../web/server';\nexport const x = startWebHost;\n",
    );
    expect(web.join('\n')).toMatch(/must not import the web host/);
    const cli = await restrictedImports('main/engine/leak.ts', "import { runCli } from '../cli/program';\nexport const x = runCli;\n");
    expect(cli.join('\n')).toMatch(/must not import the CLI/);
  });

  it('lets the engine import its own modules and the contract', async () => {
    expect(
      await restrictedImports(
        'main/engine/ok.ts',
        "import { systemClock } from './clock';\nimport type { ApiError } from '../../preload/api';\nexport const x = systemClock;\nexport type E = ApiError;\n",
      ),
    ).toEqual([]);
  });

  it('fails lint when common/ imports a Node built-in or main-process code', async () => {
    for (const source of ['node:fs', 'fs', 'fs/promises', 'path', 'crypto']) {
      const messages = await restrictedImports('common/leak.ts', `import * as m from '${source}';\nexport const x = m;\n`);
      expect(messages.join('\n'), source).toMatch(/common\/ runs in the renderer too/);
    }
    const main = await restrictedImports(
      'common/contract/leak.ts',
      "import { createEngine } from '../../main/engine/service';\nexport const x = createEngine;\n",
    );
    expect(main.join('\n')).toMatch(/common\/ must not import main-process code/);
    expect(await restrictedImports('common/ok.ts', "import { z } from 'zod';\nexport const x = z.string();\n")).toEqual([]);
  });

  it('fails lint when preload/api.ts gains a runtime import or re-export', async () => {
    for (const code of [
      "import { z } from 'zod';\nexport const x = z;\n",
      "import { type ZodType } from 'zod';\nexport type X = ZodType;\n",
      "import 'zod';\n",
      "export { z } from 'zod';\n",
      "export * from '../common/contract/views';\n",
      "export const load = () => import('zod');\n",
    ]) {
      expect((await restrictedSyntax('preload/api.ts', code)).join('\n'), code).toMatch(/preload\/api\.ts must/);
    }
    expect(
      await restrictedSyntax(
        'preload/api.ts',
        "import type { z } from 'zod';\nimport type * as views from '../common/contract/views';\nexport type X = z.output<typeof views.alert>;\nexport const LIST = ['a'] as const;\n",
      ),
    ).toEqual([]);
  });

  it('fails lint when the renderer imports a Node builtin or main-process code', async () => {
    expect(
      await restrictedImports('renderer/src/leak.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"),
    ).not.toEqual([]);
    expect(
      await restrictedImports('renderer/src/leak.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n"),
    ).not.toEqual([]);
    expect(
      await restrictedImports(
        'renderer/src/leak.ts',
        "import { createEngine } from '../../main/engine/service';\nexport const x = createEngine;\n",
      ),
    ).not.toEqual([]);
    expect(
      await restrictedImports('renderer/src/leak.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"),
    ).not.toEqual([]);
  });

  it('lets the renderer import the contract types', async () => {
    expect(
      await restrictedImports(
        'renderer/src/ok.ts',
        "import type { SettingsView } from '../../preload/api';\nexport type X = SettingsView;\n",
      ),
    ).toEqual([]);
  });

  // Type-aware: the rule runs with the real configuration on a real file whose switch loses a case.
  it(
    'fails lint when a switch over a union misses a member',
    async () => {
      const typed = new ESLint({ cwd: root });
      const file = 'main/cli/io.ts';
      const code = readFileSync(resolve(root, file), 'utf8');
      const missing = code.replace("    case 'internal':\n      return EXIT.unexpected;\n", '');
      expect(missing).not.toBe(code);
      const messages = await messagesOf(typed, file, missing, '@typescript-eslint/switch-exhaustiveness-check');
      expect(messages.join('\n')).toMatch(/Cases not matched: "internal"/);
      expect(await messagesOf(typed, file, code, '@typescript-eslint/switch-exhaustiveness-check')).toEqual([]);
    },
    // Building the TypeScript program is the slow part (several seconds on a loaded machine).
    180_000,
  );
});
