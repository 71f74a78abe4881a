import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors';
import { extractTar, safeEntryPath } from '../../../main/engine/backup/folder-archive';
import { assertRestorableOnWindows, windowsNameProblem } from '../../../main/engine/backup/windows-names';
import { makeTempDir } from '../../support/temp-dir';

describe('names Windows cannot create, refused on restore', () => {
  it('names the reason for each kind of name Windows forbids', () => {
    for (const character of ['<', '>', ':', '"', '|', '?', '*']) expect(windowsNameProblem(`a${character}b`)).toContain(character);
    expect(windowsNameProblem('tab\there')).toMatch(/control character/);
    expect(windowsNameProblem('trailing.')).toMatch(/dot or a space/);
    expect(windowsNameProblem('trailing ')).toMatch(/dot or a space/);
    for (const reserved of ['CON', 'prn', 'Aux.txt', 'nul.tar.gz', 'COM1', 'lpt9.log'])
      expect(windowsNameProblem(reserved)).toMatch(/reserves/);
  });

  it('accepts what Windows accepts', () => {
    for (const fine of ['config.json', 'CONSOLE', 'com10', 'a;b', "it's", '100%', 'Ünïcödé ✓', '日本語', '.hidden', 'with space'])
      expect(windowsNameProblem(fine)).toBeNull();
  });

  it('refuses the whole entry with what to do instead', () => {
    expect(() => assertRestorableOnWindows('logs/12:00.txt', ['logs', '12:00.txt'])).toThrow(EngineError);
    try {
      assertRestorableOnWindows('logs/12:00.txt', ['logs', '12:00.txt']);
    } catch (error) {
      expect((error as EngineError).message).toContain('"logs/12:00.txt"');
      expect((error as EngineError).message).toContain(':');
      expect((error as EngineError).remediation).toMatch(/Linux station/);
    }
  });

  it.runIf(process.platform === 'win32')('is applied by the restore path on Windows: nothing is written', async () => {
    const temp = await makeTempDir();
    try {
      const target = join(temp.path, 'target');
      await mkdir(target);
      expect(() => safeEntryPath(target, 'logs/12:00.txt')).toThrow(/cannot be restored on Windows/);
      const pack = tar.pack();
      pack.entry({ name: 'ok.txt', type: 'file' }, 'fine');
      pack.entry({ name: 'bad|name.txt', type: 'file' }, 'x');
      pack.finalize();
      await expect(extractTar(target, Readable.from(pack))).rejects.toThrow(/cannot be restored on Windows/);
      expect(await readdir(target)).not.toContain('bad|name.txt');
    } finally {
      await temp.remove();
    }
  });
});
