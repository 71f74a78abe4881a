/**
 * Consoles for the fault-and-hostility suite: each a real engine with its
 * own config folder (its own certificate and station key) pointed at one
 * real Samba share, under a shared fake clock so backups can be made "in the
 * past". Planting on the share is done on the folder behind it, as someone
 * with write access to the file server would.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiEvent } from '../../../preload/api';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine, type Engine } from '../../../main/engine/service';
import { generateSelfSignedCertificate } from '../../../main/engine/certificates';
import { backupNow } from '../../support/backup-fixtures';
import type { FakeClock } from '../../support/fake-clock';
import { SAMBA_TEST_UNIX_USER, type SambaServer, shareSettingsFor } from '../../support/samba';

export interface TestConsole {
  engine: Engine;
  configDir: string;
  sourceDir: string;
  certificate: ReturnType<typeof generateSelfSignedCertificate>;
}

export async function newConsole(
  server: SambaServer,
  dir: string,
  clock: FakeClock,
  certificate: ReturnType<typeof generateSelfSignedCertificate>,
  retentionDays = 14,
): Promise<TestConsole> {
  const configDir = join(dir, 'config');
  const sourceDir = join(dir, 'source');
  await mkdir(sourceDir, { recursive: true });
  await writeFile(join(sourceDir, 'data.json'), JSON.stringify({ console: dir }));
  const engine = createEngine({ configDir, version: 'test', frontDoor: 'cli', clock, logger: createLogger({ level: 'silent' }) });
  await engine.saveSettings({
    ...shareSettingsFor(server),
    retentionDays,
    automaticBackups: false,
    certificateBase64: certificate.cerDer.toString('base64'),
  });
  await engine.addSource({ name: 'files', folder: sourceDir });
  return { engine, configDir, sourceDir, certificate };
}

/**
 * Takes a backup and returns when the job has finished AND what follows it
 * (retention, alerts) has run.
 */
export async function backupAndSettle(engine: Engine): Promise<Extract<ApiEvent, { type: 'job-finished' }>> {
  const finished = await backupNow(engine);
  await (engine as Partial<{ whenIdle(): Promise<void> }>).whenIdle?.();
  return finished;
}

/** Makes what was planted in the share's folder the share user's, as if written through the share. */
export function ownedByShareUser(path: string): void {
  execFileSync('chown', ['-R', SAMBA_TEST_UNIX_USER, path]);
}
