/**
 * The installers cannot be built here (electron-builder downloads Electron
 * and its tools), so the configuration is checked with electron-builder's own
 * loader and schema validation, and for what the Windows station needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { EVENT_LOG_SOURCE } from '../../../main/engine/notify/windows-event-log';

const ROOT = join(__dirname, '..', '..', '..');
const CONFIG = 'build/electron-builder.yml';

async function builderConfig() {
  return getConfig(ROOT, join(ROOT, CONFIG), null);
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation (and the validation is real)", async () => {
    const config = await builderConfig();
    await validateConfiguration(config, new DebugLogger(false));
    await expect(
      validateConfiguration({ ...config, electronFuses: { runAsNodeTypo: false } } as never, new DebugLogger(false)),
    ).rejects.toThrow(/electronFuses/);
  });

  it('targets NSIS and portable on Windows, AppImage and deb on Linux', async () => {
    const config = await builderConfig();
    const windowsTargets = (config.win?.target as Array<{ target: string }>).map((entry) => entry.target);
    expect(windowsTargets).toEqual(['nsis', 'portable']);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
  });

  it('sets the fuses: no RunAsNode, encrypted cookies, only the integrity-checked ASAR', async () => {
    expect((await builderConfig()).electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it("unpacks koffi's native binary from the ASAR", async () => {
    const unpacked = (await builderConfig()).asarUnpack as string[];
    const covers = (file: string) => unpacked.some((pattern) => file.startsWith(pattern.replace(/\*\*$/, '')));
    expect(covers('node_modules/@koromix/koffi-win32-x64/win32_x64/koffi.node')).toBe(true);
    expect(covers('node_modules/koffi/index.js')).toBe(true);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies.koffi).toBeDefined();
  });

  it('installs infra-backup.cmd beside the Windows executable, and npm run dist uses this file', async () => {
    const config = await builderConfig();
    const extra = config.win?.extraFiles as Array<{ from: string; to: string }>;
    expect(extra).toContainEqual({ from: 'build/windows/infra-backup.cmd', to: 'infra-backup.cmd' });
    const wrapper = readFileSync(join(ROOT, 'build/windows/infra-backup.cmd'), 'utf8');
    expect(wrapper).toContain(`"%~dp0${config.productName}.exe" cli %*`);
    expect(existsSync(join(ROOT, 'build/icon.png'))).toBe(true);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.dist).toContain(`--config ${CONFIG}`);
  });

  it('registers the Event Log source the console writes under, per machine, and removes it on uninstall', async () => {
    const config = await builderConfig();
    expect(config.nsis?.perMachine).toBe(true);
    const script = readFileSync(join(ROOT, config.nsis!.include!), 'utf8');
    const key = `SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\${EVENT_LOG_SOURCE}`;
    expect(script).toContain(`!define IBC_EVENT_SOURCE_KEY "${key}"`);
    expect(script).toMatch(
      /!macro customInstall[\s\S]*WriteRegExpandStr HKLM "\$\{IBC_EVENT_SOURCE_KEY\}" "EventMessageFile" "[^"]+EventLogMessages\.dll"[\s\S]*!macroend/,
    );
    expect(script).toMatch(/!macro customUnInstall[\s\S]*DeleteRegKey HKLM "\$\{IBC_EVENT_SOURCE_KEY\}"[\s\S]*!macroend/);
  });
});
