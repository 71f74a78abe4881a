/**
 * A command source on Windows (run by the Windows lane under Windows Node):
 * the command runs in the station's shell, cmd.exe — Windows has no /bin/sh.
 */
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { openCommandSource } from '../../main/engine/sources/open-source';

const source = (command: string) => ({ name: 'export', kind: 'command' as const, command, timeoutSeconds: 60 });

describe('command sources on Windows', () => {
  it('run in cmd.exe: its output is the data, and a non-zero exit fails the component with its status', async () => {
    const exported = openCommandSource(source('echo %ComSpec%'));
    const data = await text(exported.stream);
    await exported.finished;
    expect(data.trim()).toMatch(/\\cmd\.exe$/i);

    const broken = openCommandSource(source('exit 7'));
    broken.stream.resume();
    await expect(broken.finished).rejects.toThrow('The command exited with status 7.');
  });
});
