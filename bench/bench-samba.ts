import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SmbShareOptions } from '../main/engine/share/smb-share';
import { startSamba, type SambaServer } from '../test/support/samba';
import { benchArea } from './ram-disk';

/** A loopback smbd serving a share on the bench area, a work folder beside it, and the driver's options for it. */
export interface BenchSamba {
  server: SambaServer;
  work: string;
  shareOptions: SmbShareOptions;
  /** Where the data lives (a tmpfs, or why not: ram-disk.ts). */
  areaDescription: string;
}

/** Runs `fn` with a fresh smbd on a bench area of `mebibytes`, and removes both afterwards. */
export async function withBenchSamba(mebibytes: number, fn: (bench: BenchSamba) => Promise<void>): Promise<void> {
  const area = await benchArea(mebibytes);
  const work = path.join(area.path, 'work');
  const shareDir = path.join(area.path, 'share');
  await mkdir(work);
  await mkdir(shareDir);
  const server = await startSamba({ sharePath: shareDir });
  try {
    const shareOptions: SmbShareOptions = {
      address: server.address,
      port: server.port,
      share: server.shareName,
      username: server.username,
      password: server.password,
    };
    await fn({ server, work, shareOptions, areaDescription: area.description });
  } finally {
    await server.stop();
    await area.release();
  }
}

/**
 * Runs `fn` with the arguments plain smbclient needs to reach `server` with the options the
 * driver uses; the credentials are in a 0600 auth file in `work`, removed afterwards.
 */
export async function withRawSmbclient<T>(server: SambaServer, work: string, fn: (smbclientArgs: string[]) => Promise<T>): Promise<T> {
  const authFile = path.join(work, 'auth');
  await writeFile(authFile, `username = ${server.username}\npassword = ${server.password}\n`, { mode: 0o600 });
  try {
    return await fn([
      `//${server.host}/${server.shareName}`,
      '-p',
      String(server.port),
      '-A',
      authFile,
      '-m',
      'SMB3',
      '--option=client smb encrypt=desired',
    ]);
  } finally {
    await rm(authFile, { force: true });
  }
}
