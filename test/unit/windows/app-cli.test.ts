import { describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { appCliArguments, runAppCli } from '../../../main/cli/process-cli';

describe('the installed app runs the command line with a `cli` argument', () => {
  it('takes the arguments after `cli`, packaged or from the project, and nothing else', () => {
    expect(appCliArguments(['C:\\Program Files\\IBC\\IBC.exe', 'cli', 'backup', 'start', '--wait'], true)).toEqual([
      'backup',
      'start',
      '--wait',
    ]);
    expect(appCliArguments(['/usr/bin/electron', '.', 'cli', 'share', 'test'], false)).toEqual(['share', 'test']);
    expect(appCliArguments(['C:\\Program Files\\IBC\\IBC.exe'], true)).toBeNull();
    expect(appCliArguments(['/usr/bin/electron', '.'], false)).toBeNull();
    expect(appCliArguments(['C:\\IBC.exe', 'backup', 'cli'], true)).toBeNull();
  });

  it("exits the app with the command's status", async () => {
    const exit = vi.fn();
    const temp = await makeTempDir();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const writeError = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runAppCli(['config', 'set', '--frequency', '99', '--config-dir', temp.path], { exit });
      await runAppCli(['--version'], { exit });
    } finally {
      write.mockRestore();
      writeError.mockRestore();
      await temp.remove();
    }
    expect(exit.mock.calls).toEqual([[2], [0]]);
  });
});
