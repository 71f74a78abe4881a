import { mkdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../main/engine/app/file-lock';
import { makeTempDir } from '../../support/temp-dir';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('ibc-lock-');
});
afterEach(() => dir.remove());

describe('withFileLock', () => {
  it('runs one holder at a time, and removes the lock after', async () => {
    const file = join(dir.path, 'alerts.json');
    const order: string[] = [];
    const problems: unknown[] = [];
    const holder = (name: string) =>
      withFileLock(
        file,
        async () => {
          order.push(`${name} in`);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(`${name} out`);
        },
        (error) => problems.push(error),
      );
    await Promise.all([holder('a'), holder('b')]);
    // Either may take it first (the file system decides); never both inside at once.
    expect([
      ['a in', 'a out', 'b in', 'b out'],
      ['b in', 'b out', 'a in', 'a out'],
    ]).toContainEqual(order);
    expect(problems).toEqual([]);
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock a dead process left (older than 10 s)', async () => {
    const file = join(dir.path, 'alerts.json');
    await mkdir(`${file}.lock`);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, longAgo, longAgo);
    const problems: unknown[] = [];
    expect(
      await withFileLock(
        file,
        async () => 'ran',
        (error) => problems.push(error),
      ),
    ).toBe('ran');
    expect(problems).toEqual([]);
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
