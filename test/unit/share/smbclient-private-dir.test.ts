import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepAbandonedPrivateDirs } from '../../../main/engine/share/smbclient-private-dir';

describe("smbclient's private folders", () => {
  let temp: string;
  beforeEach(async () => {
    temp = await mkdtemp(path.join(os.tmpdir(), 'ibc-sweep-test-'));
  });
  afterEach(async () => rm(temp, { recursive: true, force: true }));

  it('sweeps the folders of processes that are gone (a killed console), and only those', async () => {
    const deadPid = spawnSync('true').pid!; // has exited by now
    const dead = `ibc-smb-${deadPid}-AbC123`;
    const mine = `ibc-smb-${process.pid}-DeF456`;
    const unrelated = 'ibc-smb-notapid';
    for (const name of [dead, mine, unrelated]) {
      await mkdir(path.join(temp, name), { mode: 0o700 });
      await writeFile(path.join(temp, name, 'auth'), 'password = secret\n', { mode: 0o600 });
    }
    expect(await sweepAbandonedPrivateDirs(temp)).toEqual([dead]);
    expect((await readdir(temp)).sort()).toEqual([mine, unrelated].sort());
  });
});
