import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertKind } from '../../../preload/api';
import { run } from '../../support/samba';
import { configuredEngine, type EngineHarness } from '../../unit/engine/engine-harness';

let h: EngineHarness | null = null;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await h?.engine.close();
  while (cleanups.length > 0) await cleanups.pop()?.();
  await h?.remove();
  h = null;
});

async function backupNow(harness: EngineHarness): Promise<void> {
  // Each backup a minute after the last, so the list's newest row is this one.
  await harness.clock.advance(60_000);
  await harness.engine.startBackup();
  await harness.engine.whenIdle();
}

async function active(harness: EngineHarness, kind: AlertKind): Promise<{ title: string; detail?: string } | undefined> {
  await harness.engine.whenIdle();
  return (await harness.engine.listAlerts()).find((alert) => alert.kind === kind);
}

describe('the alert set: each raised from a real condition, closed when it ends', () => {
  it('backup only partially completed: a source that cannot be read; closed by the next full success', async () => {
    h = await configuredEngine();
    const flaky = join(h.configDir, '..', 'flaky-source');
    await mkdir(flaky, { recursive: true });
    await writeFile(join(flaky, 'a.txt'), 'a');
    await h.engine.addSource({ name: 'flaky', folder: flaky });
    await rm(flaky, { recursive: true });

    await backupNow(h);
    expect((await h.engine.listBackups())[0]?.state).toBe('PartialSucceeded');
    expect(await active(h, 'backup-partially-succeeded')).toMatchObject({ title: 'The backup only partially completed.' });

    await mkdir(flaky, { recursive: true });
    await writeFile(join(flaky, 'a.txt'), 'a');
    await backupNow(h);
    expect((await h.engine.listBackups())[0]?.state).toBe('Succeeded');
    expect(await active(h, 'backup-partially-succeeded')).toBeUndefined();
  });

  it("scheduled backup skipped because of a conflict: another console's lock on the share; closed when a backup runs", async () => {
    h = await configuredEngine();
    const lock = join(h.shareDir, 'MASBackup', '.lock');
    await mkdir(join(h.shareDir, 'MASBackup'), { recursive: true });
    await writeFile(
      lock,
      JSON.stringify({
        lockId: randomUUID(),
        owner: 'other-station.contoso.com:4242',
        jobId: randomUUID(),
        backupId: '20260501T000000Z-abcdef',
        acquiredAt: h.clock.now().toISOString(),
      }),
    );
    await backupNow(h);
    expect(await active(h, 'backup-skipped-conflict')).toMatchObject({
      title: 'Scheduled backup was skipped due to a conflict with another operation.',
      detail: expect.stringContaining('other-station.contoso.com'),
    });

    await rm(lock);
    await backupNow(h);
    expect(await active(h, 'backup-skipped-conflict')).toBeUndefined();
  });

  it('file share almost full: a tmpfs share filled past 80 %; closed when space is freed', async () => {
    h = await configuredEngine();
    const share = h.shareDir;
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0755', 'tmpfs', share]);
    } catch (error) {
      // Without root (or CAP_SYS_ADMIN) there is no tmpfs to fill; say so rather than pass.
      expect.fail(`cannot mount a tmpfs for this test: ${error instanceof Error ? error.message : String(error)}`);
    }
    cleanups.push(() => run('umount', [share]).catch(() => run('umount', ['-l', share])));
    const filler = join(share, 'operator-data.bin');
    await writeFile(filler, Buffer.alloc(14 * 1024 * 1024, 1));

    await backupNow(h);
    expect(await active(h, 'share-almost-full')).toMatchObject({
      title: 'The backup file share is almost full.',
      detail: expect.stringContaining('raised at 80 %'),
    });

    // The threshold is a setting (default 80 %): above the share's use the alert closes at once, below it it is raised again.
    await h.engine.saveSettings({ almostFullPercent: 95 });
    expect(await active(h, 'share-almost-full')).toBeUndefined();
    await h.engine.saveSettings({ almostFullPercent: 85 });
    expect(await active(h, 'share-almost-full')).toMatchObject({
      detail: expect.stringContaining('raised at 85 %'),
      remediation: expect.stringContaining('85 %'),
    });

    await rm(filler);
    await backupNow(h);
    expect(await active(h, 'share-almost-full')).toBeUndefined();
  });
});
