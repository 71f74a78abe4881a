import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { PROJECT_ROOT } from '../support/web-console';
import { makeTempDir } from '../support/temp-dir';

function electronBinary(): string | null {
  const dir = join(PROJECT_ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'SKIP electron end-to-end: the Electron runtime is not installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, it cannot be downloaded on this machine). It runs wherever node_modules/electron/dist exists.',
  );
}

describe.skipIf(!binary)('the desktop app through Playwright _electron', () => {
  it('opens the window with the Essentials section and a sandboxed, isolated renderer', async () => {
    const temp = await makeTempDir();
    const app = await electron.launch({
      executablePath: binary!,
      args: [PROJECT_ROOT, `--user-data-dir=${temp.path}`, ...(process.env.CI ? ['--no-sandbox'] : [])],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByTestId('not-configured').textContent({ timeout: 20_000 })).resolves.toContain('Backup is not configured');
      // no Node in the page, only the typed bridge
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => Object.keys((globalThis as unknown as { backupConsole: object }).backupConsole).sort())).toEqual([
        'api',
        'onEvent',
        'pickFile',
        'pickFolder',
        'saveFile',
      ]);
    } finally {
      await app.close();
      await temp.remove();
    }
  });
});
