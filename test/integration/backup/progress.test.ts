import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../../preload/api';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { backupNow, succeeded, testCertificate } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

describe('backup progress on the sample stamp (issue 10.7: "42 KB of 26 KB")', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;

  beforeAll(async () => {
    temp = await makeTempDir();
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  it('counts the files’ bytes, and never shows more done than the total', async () => {
    const seen: JobProgress[] = [];
    const stop = engine.onEvent((event) => {
      if (event.type === 'job-progress') seen.push(event.progress);
    });
    succeeded(await backupNow(engine));
    stop();
    let sampleBytes = 0;
    const stampDir = join(temp.path, 'config', 'sample-stamp');
    for (const entry of await readdir(stampDir, { withFileTypes: true, recursive: true }))
      if (entry.isFile() && !entry.name.startsWith('.')) sampleBytes += (await stat(join(entry.parentPath, entry.name))).size;
    expect(sampleBytes).toBeGreaterThan(0);
    for (const progress of seen) if (progress.bytesTotal !== null) expect(progress.bytesDone).toBeLessThanOrEqual(progress.bytesTotal);
    expect(seen.at(-1)!.bytesDone).toBe(sampleBytes);
  });
});
