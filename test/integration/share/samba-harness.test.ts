import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startSamba, type SambaServer } from '../../support/samba';

describe('the Samba test harness', () => {
  let server: SambaServer;
  let work: string;

  beforeAll(async () => {
    server = await startSamba({ extraShares: [{ name: 'readonly', readOnly: true }] });
    work = await mkdtemp(path.join(os.tmpdir(), 'ibc-harness-'));
  });
  afterAll(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** smbclient with the credentials in a 0600 auth file, never on argv. */
  async function smbclient(share: string, commands: string): Promise<string> {
    const authFile = path.join(work, 'auth');
    await writeFile(authFile, `username = ${server.username}\npassword = ${server.password}\ndomain = ${server.workgroup}\n`, {
      mode: 0o600,
    });
    try {
      return await run('smbclient', [`//${server.host}/${share}`, '-p', String(server.port), '-A', authFile, '-m', 'SMB3'], commands);
    } finally {
      await rm(authFile, { force: true });
    }
  }

  it('writes a file through smbclient that lands in the share folder, and reads it back', async () => {
    const local = path.join(work, 'hello.txt');
    await writeFile(local, 'hello from the harness\n');
    await smbclient(server.shareName, `put "${local}" "hello.txt"\n`);
    expect(await readFile(path.join(server.shareDir, 'hello.txt'), 'utf8')).toBe('hello from the harness\n');

    const back = path.join(work, 'back.txt');
    await smbclient(server.shareName, `get "hello.txt" "${back}"\n`);
    expect(await readFile(back, 'utf8')).toBe('hello from the harness\n');
  });

  it('serves the read-only share and refuses writes to it', async () => {
    const local = path.join(work, 'x.txt');
    await writeFile(local, 'x');
    const output = await smbclient('readonly', `put "${local}" "x.txt"\n`);
    expect(output).toMatch(/NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)/);
  });

  it('stops its smbd and frees the port', async () => {
    const other = await startSamba();
    await other.stop();
    await expect(run('smbclient', ['-L', other.host, '-p', String(other.port), '-N'])).rejects.toThrow(/CONNECTION_REFUSED/);
  });
});
