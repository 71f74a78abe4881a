// One engine operation in its own process, so its CPU (with the smbclient it
// runs, reaped by it) and its peak RSS are measured alone.
// argv: configDir backup | restore TARGET PFX | verify | list; prints one JSON line.
import { readFile } from 'node:fs/promises';
import { createEngine } from '../main/engine/service';
import { createLogger } from '../main/engine/app/logger';
import { PFX_PASSWORD } from '../test/support/backup-fixtures';

export interface ChildResult {
  seconds: number;
  bytes: number;
  maxRssBytes: number;
}

export async function backupChild(args: string[]): Promise<void> {
  const [configDir, mode, target, pfxPath] = args;
  if (!configDir || !mode) throw new Error('usage: --child CONFIG_DIR backup | restore TARGET PFX | verify | list');
  const engine = createEngine({ configDir, version: 'bench', frontDoor: 'cli', logger: createLogger({ level: 'error' }) });
  const started = performance.now();
  let bytes = 0;
  if (mode === 'backup') {
    const finished = new Promise<void>((resolve, reject) => {
      engine.onEvent((event) => {
        if (event.type === 'job-progress') bytes = event.progress.bytesDone;
        if (event.type !== 'job-finished') return;
        if (event.error) reject(new Error(event.error.message));
        else resolve();
      });
    });
    await engine.startBackup();
    await finished;
  } else if (mode === 'restore') {
    const [backup] = await engine.listBackups();
    const result = await engine.restoreBackup({
      backupId: backup!.backupId,
      targetFolder: target!,
      key: { kind: 'pfx', pfxBase64: (await readFile(pfxPath!)).toString('base64'), password: PFX_PASSWORD },
    });
    bytes = result.components.reduce((sum, c) => sum + c.bytes, 0);
  } else if (mode === 'verify') {
    const backups = await engine.listBackups();
    const oldest = backups.at(-1)!;
    const result = await engine.verifyBackup({ backupId: oldest.backupId });
    if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result.components)}`);
    bytes = oldest.sizeBytes;
  } else if (mode === 'list') {
    bytes = (await engine.listBackups()).length;
  } else throw new Error(`unknown mode ${mode}`);
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  process.stdout.write(JSON.stringify({ seconds, bytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
}
