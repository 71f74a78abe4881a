import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import { LocalShare } from '../../../main/engine/share/local-share';
import { isNotFound } from '../../../main/engine/share/share-errors';
import { CountingShare } from '../../../main/engine/share/wrappers/counting-share';
import { FaultyShare } from '../../../main/engine/share/wrappers/faulty-share';
import { RetryingShare } from '../../../main/engine/share/wrappers/retrying-share';
import { SHARE_FAILURE_CATEGORIES } from '../../../preload/api';

const bytes = (text: string): Readable => Readable.from([Buffer.from(text)]);

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('share wrappers', () => {
  let root: string;
  let local: LocalShare;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ibc-wrappers-'));
    local = new LocalShare(root);
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  describe('FaultyShare', () => {
    it('fails the nth matching call with the scripted kind, and only that one', async () => {
      const faulty = new FaultyShare(local).script({ method: 'writeStream', nth: 2, path: 'MASBackup/', fault: 'capacity' });
      await faulty.mkdirp('MASBackup', NO_CANCEL);
      await faulty.writeStream('outside', bytes('not counted: path does not match'), NO_CANCEL);
      await faulty.writeStream('MASBackup/one', bytes('1'), NO_CANCEL);
      await expect(faulty.writeStream('MASBackup/two', bytes('2'), NO_CANCEL)).rejects.toMatchObject({
        code: 'share',
        category: 'capacity',
      });
      await faulty.writeStream('MASBackup/three', bytes('3'), NO_CANCEL);
      expect((await readdir(path.join(root, 'MASBackup'))).sort()).toEqual(['one', 'three']);
      faulty.assertAllFired();
    });

    it.each([...SHARE_FAILURE_CATEGORIES, 'not-found' as const])('raises %s', async (fault) => {
      const faulty = new FaultyShare(local).script({ method: 'list', fault });
      const error: unknown = await faulty.list('', NO_CANCEL).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'share', category: fault === 'not-found' ? 'path' : fault });
      expect(isNotFound(error)).toBe(fault === 'not-found');
    });

    it('hangs until the call is aborted, then rejects with cancelled', async () => {
      const faulty = new FaultyShare(local).script({ method: 'rename', fault: 'hang' });
      const controller = new AbortController();
      let settled = false;
      const renaming = faulty.rename('a', 'b', controller.signal).finally(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      controller.abort();
      await expect(renaming).rejects.toMatchObject({ code: 'cancelled' });
    });

    it('fails a write after some bytes of its source, storing nothing', async () => {
      const faulty = new FaultyShare(local).script({ method: 'writeStream', fault: 'connectivity', afterBytes: 3 });
      let pulled = 0;
      const source = Readable.from(
        (function* () {
          for (const piece of ['ab', 'cd', 'ef', 'gh']) {
            pulled += piece.length;
            yield Buffer.from(piece);
          }
        })(),
      );
      await expect(faulty.writeStream('file', source, NO_CANCEL)).rejects.toMatchObject({ category: 'connectivity' });
      expect(pulled).toBeLessThan(8);
      expect(source.destroyed).toBe(true);
      expect(await readdir(root)).toEqual([]);
    });

    it('fails a read after some bytes', async () => {
      await local.writeStream('file', bytes('0123456789'), NO_CANCEL);
      const faulty = new FaultyShare(local).script({ method: 'readStream', fault: 'connectivity', afterBytes: 4 });
      const stream = await faulty.readStream('file', NO_CANCEL);
      const received: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => received.push(chunk));
      await expect(new Promise((_, reject) => stream.once('error', reject))).rejects.toMatchObject({ category: 'connectivity' });
      expect(Buffer.concat(received).length).toBeLessThanOrEqual(4);
    });

    it('assertAllFired names a fault that never fired', () => {
      const faulty = new FaultyShare(local).script({ method: 'deleteTree', nth: 3, path: '.partial', fault: 'general' });
      expect(() => faulty.assertAllFired()).toThrow(/deleteTree #3 on \.partial → general/);
    });
  });

  describe('RetryingShare', () => {
    const policy = { retries: 2, baseDelayMs: 1 };

    it('retries connectivity failures with backoff until one succeeds', async () => {
      await local.writeStream('file', bytes('content'), NO_CANCEL);
      const faulty = new FaultyShare(local).script(
        { method: 'readStream', nth: 1, fault: 'connectivity' },
        { method: 'readStream', nth: 2, fault: 'connectivity' },
      );
      const counting = new CountingShare(faulty);
      const retrying = new RetryingShare(counting, policy);
      expect(await readText(await retrying.readStream('file', NO_CANCEL))).toBe('content');
      expect(counting.count('readStream')).toBe(3);
      faulty.assertAllFired();
    });

    it('gives up after the last retry with the connectivity failure', async () => {
      const faulty = new FaultyShare(local).script(
        { method: 'list', nth: 1, fault: 'connectivity' },
        { method: 'list', nth: 2, fault: 'connectivity' },
        { method: 'list', nth: 3, fault: 'connectivity' },
      );
      const counting = new CountingShare(faulty);
      await expect(new RetryingShare(counting, policy).list('', NO_CANCEL)).rejects.toMatchObject({ category: 'connectivity' });
      expect(counting.count('list')).toBe(3);
    });

    it.each(['capacity', 'authentication', 'path', 'not-found', 'general'] as const)('never retries %s (permanent)', async (fault) => {
      const faulty = new FaultyShare(local).script({ method: 'stat', fault });
      const counting = new CountingShare(faulty);
      await expect(new RetryingShare(counting, policy).stat('x', NO_CANCEL)).rejects.toMatchObject({ code: 'share' });
      expect(counting.count('stat')).toBe(1);
    });

    it('never retries a write (its source cannot be replayed)', async () => {
      const faulty = new FaultyShare(local).script({ method: 'writeStream', fault: 'connectivity' });
      const counting = new CountingShare(faulty);
      await expect(new RetryingShare(counting, policy).writeStream('x', bytes('x'), NO_CANCEL)).rejects.toMatchObject({
        category: 'connectivity',
      });
      expect(counting.count('writeStream')).toBe(1);
    });

    it('stops waiting to retry the moment the call is aborted', async () => {
      const faulty = new FaultyShare(local).script({ method: 'list', fault: 'connectivity' });
      const controller = new AbortController();
      const retrying = new RetryingShare(faulty, { retries: 5, baseDelayMs: 60_000 });
      const listing = retrying.list('', controller.signal);
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      await expect(listing).rejects.toMatchObject({ code: 'cancelled' });
    });
  });

  describe('CountingShare', () => {
    it('counts calls per method and keeps their paths', async () => {
      const counting = new CountingShare(local);
      await counting.mkdirp('MASBackup', NO_CANCEL);
      await counting.writeStream('MASBackup/a', bytes('a'), NO_CANCEL);
      await counting.list('MASBackup', NO_CANCEL);
      await counting.list('MASBackup', NO_CANCEL);
      expect(counting.counts()).toEqual({ mkdirp: 1, writeStream: 1, list: 2 });
      expect(counting.calls.at(-1)).toEqual({ method: 'list', path: 'MASBackup' });
      counting.reset();
      expect(counting.counts()).toEqual({});
    });

    it('shows where the share points, not what it wraps, when logged', () => {
      const counting = new CountingShare(new RetryingShare(local));
      expect(JSON.stringify(counting)).toBe(JSON.stringify({ kind: 'local', location: root }));
    });
  });
});
