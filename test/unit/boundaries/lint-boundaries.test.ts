import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function restrictedImportMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture boundaries enforced by lint', () => {
  it('fails lint when the engine imports electron', async () => {
    const messages = await restrictedImportMessages('main/engine/leak.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(messages.join('\n')).toMatch(/main\/engine must not import electron/);
  });

  it('fails lint when the engine imports the Electron adapter', async () => {
    const messages = await restrictedImportMessages(
      'main/engine/leak.ts',
      "import { openDesktop } from '../electron/desktop';\nexport const x = openDesktop;\n",
    );
    expect(messages.length).toBeGreaterThan(0);
  });

  it('fails lint when the renderer imports a Node builtin or main-process code', async () => {
    expect(
      await restrictedImportMessages('renderer/src/leak.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"),
    ).not.toEqual([]);
    expect(
      await restrictedImportMessages('renderer/src/leak.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n"),
    ).not.toEqual([]);
    expect(
      await restrictedImportMessages(
        'renderer/src/leak.ts',
        "import { createEngine } from '../../main/engine/service';\nexport const x = createEngine;\n",
      ),
    ).not.toEqual([]);
    expect(
      await restrictedImportMessages('renderer/src/leak.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"),
    ).not.toEqual([]);
  });

  it('lets the renderer import the contract types', async () => {
    expect(
      await restrictedImportMessages(
        'renderer/src/ok.ts',
        "import type { SettingsView } from '../../preload/api';\nexport type X = SettingsView;\n",
      ),
    ).toEqual([]);
  });
});
