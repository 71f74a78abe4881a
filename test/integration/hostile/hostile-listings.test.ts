/**
 * Issue 17 "Hostile share content": a planted multi-gigabyte manifest.json
 * and a thousand fake backup folders on a real Samba share. Listing stays
 * bounded — a manifest is read no further than its limit, and one listing
 * reads at most LISTING_LIMIT new manifests — and nothing crashes.
 */
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupFormat } from '../../../main/engine/backup/backup-format';
import { LISTING_LIMIT, listCatalog, MANIFEST_BYTES_LIMIT } from '../../../main/engine/backup/catalog';
import { NO_CANCEL } from '../../../main/engine/share/abort';
import type { FileShare } from '../../../main/engine/share/file-share';
import { SmbShare } from '../../../main/engine/share/smb-share';
import { CountingShare } from '../../../main/engine/share/wrappers/counting-share';
import { succeeded, testCertificate } from '../../support/backup-fixtures';
import { FakeClock } from '../../support/fake-clock';
import { startSamba, type SambaServer } from '../../support/samba';
import { idAt } from '../../support/share-content';
import { makeTempDir } from '../../support/temp-dir';
import { backupAndSettle, newConsole, ownedByShareUser, type TestConsole } from './consoles';

describe('hostile listings (real Samba)', () => {
  let server: SambaServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let a: TestConsole;
  let mas: string;
  let real = '';
  const clock = new FakeClock('2026-11-01T00:00:00.000Z');
  const HUGE = '20261020T000000Z-0b16b1';

  beforeAll(async () => {
    server = await startSamba();
    temp = await makeTempDir();
    mas = join(server.shareDir, 'MASBackup');
    a = await newConsole(server, join(temp.path, 'a'), clock, testCertificate());
    real = succeeded(await backupAndSettle(a.engine)).backupId;
    await mkdir(join(mas, HUGE));
    await writeFile(join(mas, HUGE, 'manifest.json'), '');
    await truncate(join(mas, HUGE, 'manifest.json'), 4 * 1024 ** 3);
    for (let n = 0; n < 1000; n++) await mkdir(join(mas, idAt(new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString(), 'fa4e00')));
    ownedByShareUser(mas);
  });
  afterAll(async () => {
    await a?.engine.close();
    await server?.stop();
    await temp?.remove();
  });

  it('a planted 4 GiB manifest.json is read only up to its limit, and listed as Unknown', async () => {
    const smb = new SmbShare({
      address: server.address,
      port: server.port,
      share: server.shareName,
      username: server.username,
      password: server.password,
    });
    let handedOut = 0;
    const metered: FileShare = Object.create(smb) as FileShare;
    metered.list = async (dir, signal) => (await smb.list(dir, signal)).filter((entry) => entry.name === HUGE);
    metered.readStream = async (path, signal) => {
      const stream = await smb.readStream(path, signal);
      // Counted as the reader takes it (a 'data' listener would make the stream flow on its own).
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          handedOut += chunk.length;
          done(null, chunk);
        },
      });
      stream.once('error', (error) => counter.destroy(error));
      return stream.pipe(counter);
    };
    const listing = await listCatalog(metered, backupFormat, { signal: NO_CANCEL });
    expect(listing.unknown).toEqual([expect.objectContaining({ name: HUGE, problem: 'manifest.json is larger than 256 KiB' })]);
    expect(handedOut).toBeLessThan(MANIFEST_BYTES_LIMIT + 16 * 1024 * 1024);
    await smb.close();
  });

  it('a thousand fake backup folders: one listing reads at most LISTING_LIMIT manifests and keeps at most LISTING_LIMIT Unknown rows; the real backup is listed', async () => {
    const counting = new CountingShare(
      new SmbShare({
        address: server.address,
        port: server.port,
        share: server.shareName,
        username: server.username,
        password: server.password,
      }),
    );
    const listing = await listCatalog(counting, backupFormat, { signal: NO_CANCEL });
    expect(counting.count('readStream')).toBe(LISTING_LIMIT);
    expect(listing.backups.map((b) => b.backupId)).toEqual([real]);
    expect(listing.unknown).toHaveLength(LISTING_LIMIT);
    expect(listing.overLimit).toBe(1001 - LISTING_LIMIT);
    await counting.close();
  });
});
