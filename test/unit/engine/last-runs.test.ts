import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/engine/app/logger';
import { createEngine } from '../../../main/engine/service';
import { shareError } from '../../../main/engine/share/share-errors';
import { cli } from '../../support/cli';
import { configuredEngine, type EngineHarness } from './engine-harness';

const MIN = 60_000;

let h: EngineHarness | null = null;
afterEach(async () => {
  await h?.remove();
  h = null;
});

async function backupAndWait(harness: EngineHarness): Promise<void> {
  await harness.engine.startBackup();
  await harness.engine.whenIdle();
}

describe('last successful backup and last attempt are two facts', () => {
  it('after a failed attempt, Essentials, getLastRuns and config show --json say both — and so does a restarted console', async () => {
    h = await configuredEngine();
    await backupAndWait(h);
    const succeeded = (await h.engine.getTimeline({ kinds: ['run-finished'] }))[0];
    await h.clock.advance(5 * MIN);
    await h.engine.removeSource({ name: 'files' });
    await h.engine.station.addCommandSource({ name: 'broken', command: 'exit 7' });
    await backupAndWait(h);

    const essentials = await h.engine.getEssentials();
    expect(essentials.lastSuccessfulBackup).toMatchObject({ backupId: succeeded?.backupId, state: 'Succeeded', finishedAt: succeeded?.at });
    expect(essentials.lastAttempt).toMatchObject({ state: 'Failed', reason: expect.stringContaining('broken') });
    expect(essentials.lastAttempt?.backupId).not.toBe(succeeded?.backupId);
    expect(await h.engine.getLastRuns()).toEqual({
      lastSuccessfulBackup: essentials.lastSuccessfulBackup,
      lastAttempt: essentials.lastAttempt,
    });
    await h.engine.close();

    // A new console on the same folder (a restart) reads both from the history.
    const restarted = createEngine({
      configDir: h.configDir,
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    const after = await restarted.getEssentials();
    await restarted.close();
    expect(after.lastSuccessfulBackup).toEqual(essentials.lastSuccessfulBackup);
    expect(after.lastAttempt).toEqual(essentials.lastAttempt);

    const shown = await cli(['--json', '--config-dir', h.configDir, 'config', 'show']);
    expect(shown.code, shown.err).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({
      lastSuccessfulBackup: essentials.lastSuccessfulBackup,
      lastAttempt: essentials.lastAttempt,
    });
  });
});

describe('capacity says when it was read, or that it is unknown', () => {
  it('a reading carries its time; once the share cannot be reached the figure is unknown and says why, not the old one', async () => {
    h = await configuredEngine();
    const read = await h.engine.getCapacity();
    expect(read.freeBytes).toBeGreaterThan(0);
    expect(read.measuredAt).toBe(h.clock.now().toISOString());
    expect(read.readFailure).toBeNull();

    h.faults.freeSpace = () => shareError('connectivity', 'The server did not answer.');
    await h.clock.advance(6 * MIN);
    const essentials = await h.engine.getEssentials();
    expect(essentials.capacity).toEqual({
      freeBytes: null,
      totalBytes: null,
      measuredAt: null,
      readFailure: {
        at: h.clock.now().toISOString(),
        category: 'connectivity',
        message: expect.stringContaining('The server did not answer.'),
      },
    });
  });
});
