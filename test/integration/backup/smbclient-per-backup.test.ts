import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine, type Engine } from '../../../main/engine/service';
import { openFileShare } from '../../../main/engine/share/open-share';
import type { SpawnFunction } from '../../../main/engine/share/tied-child';
import { backupNow, makeSourceTree, succeeded, testCertificate } from '../../support/backup-fixtures';
import { startSamba, type SambaServer, shareSettingsFor } from '../../support/samba';
import { makeTempDir } from '../../support/temp-dir';

// A backup and what follows it (the listing, the retention pass, the capacity reading) cost the
// share one signed-in smbclient session, plus one streaming smbclient per component larger than
// the session carries (issue 13: 5 before the engine shared its session).
describe('smbclient processes per backup, real Samba', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;
  const started: string[] = [];
  const counting: SpawnFunction = (command, args, options) => {
    if ([command, ...args].some((word) => word.endsWith('smbclient'))) started.push(args.join(' '));
    return spawn(command, [...args], options);
  };

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    const source = join(temp.path, 'source');
    await makeSourceTree(source);
    // Larger than a session carries (1 MiB), and random (stored as it is): the component streams through its own smbclient.
    await writeFile(join(source, 'large.bin'), randomBytes(3 * 1024 * 1024));
    config = join(temp.path, 'config');
    const engine = freshEngine();
    await engine.saveSettings({
      ...shareSettingsFor(server, 'sessions'),
      certificateBase64: testCertificate().cerDer.toString('base64'),
      automaticBackups: false,
    });
    await engine.addSource({ name: 'files', folder: source });
    await engine.close();
  });
  afterAll(async () => {
    await server?.stop();
    await temp?.remove();
  });

  /** An engine as a fresh process has it (`infra-backup backup start`): no session open yet. */
  function freshEngine(): Engine {
    return createEngine({
      configDir: config,
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: process.env.IBC_TEST_LOG ?? 'silent' }),
      openShare: (input) => openFileShare({ ...input, smb: { ...input.smb, spawn: counting } }),
    });
  }

  it('a backup and the passes after it start two: the session and the component upload', async () => {
    for (let run = 1; run <= 2; run++) {
      const engine = freshEngine();
      try {
        started.length = 0;
        expect(succeeded(await backupNow(engine)).state).toBe('Succeeded');
        await engine.whenIdle();
        expect(
          started.filter((args) => args.includes('stdbuf')),
          `backup ${run}: sessions`,
        ).toHaveLength(1);
        expect(started, `backup ${run}: all`).toHaveLength(2);
        // A listing meanwhile goes through the same session.
        expect(await engine.listBackups()).toHaveLength(run);
        expect(started, `backup ${run}: after a listing`).toHaveLength(2);
      } finally {
        await engine.close();
      }
    }
  });
});
