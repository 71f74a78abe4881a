import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countFolderBytes, extractTar, packFolder } from '../../../main/engine/backup/folder-archive';
import { lendUntilDone } from '../../../main/engine/share/lent-buffers';
import { SourceFailure } from '../../../main/engine/sources/open-source';
import { makeTempDir } from '../../support/temp-dir';

/** '/'-separated name → content (files) or 'dir', as restore's extractor writes them. */
async function unpack(stream: Readable, into: string): Promise<Map<string, Buffer | 'dir'>> {
  await mkdir(into);
  await extractTar(into, stream);
  const entries = new Map<string, Buffer | 'dir'>();
  for (const entry of await readdir(into, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    // Named as in the archive: on Windows relative() joins with backslashes.
    entries.set(relative(into, path).split(sep).join('/'), entry.isDirectory() ? 'dir' : await readFile(path));
  }
  return entries;
}

describe('packFolder: the folder read in a worker thread, straight into tar blocks', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  beforeEach(async () => {
    temp = await makeTempDir();
    root = join(temp.path, 'source');
    await mkdir(root);
  });
  afterEach(async () => temp.remove());

  it('archives many small files, empty ones, long and non-ASCII names and a file larger than a block', async () => {
    const expected = new Map<string, Buffer | 'dir'>();
    await mkdir(join(root, 'many'));
    expected.set('many', 'dir');
    for (let i = 0; i < 3000; i++) {
      const body = randomBytes(i % 7 === 0 ? 0 : 1 + (i % 5000));
      await writeFile(join(root, 'many', `f${i}.json`), body);
      expected.set(`many/f${i}.json`, body);
    }
    const longAscii = `${'d'.repeat(90)}/${'e'.repeat(90)}`;
    await mkdir(join(root, longAscii), { recursive: true });
    expected.set('d'.repeat(90), 'dir');
    expected.set(longAscii, 'dir');
    const longFile = `${longAscii}/${'f'.repeat(99)}.txt`;
    await writeFile(join(root, longFile), 'long');
    expected.set(longFile, Buffer.from('long'));
    const unsplittable = 'x'.repeat(140);
    await writeFile(join(root, unsplittable), 'no slash to split at');
    expected.set(unsplittable, Buffer.from('no slash to split at'));
    await writeFile(join(root, 'Ünïcødé файл 名前.txt'), 'non-ascii');
    expected.set('Ünïcødé файл 名前.txt', Buffer.from('non-ascii'));
    const large = randomBytes(2.5 * 1024 * 1024);
    await writeFile(join(root, 'large.bin'), large);
    expected.set('large.bin', large);
    await mkdir(join(root, 'empty-folder'));
    expected.set('empty-folder', 'dir');

    let fileBytes = 0;
    const entries = await unpack(
      packFolder(root, (delta) => (fileBytes += delta)),
      join(temp.path, 'out'),
    );
    expect([...entries.keys()].sort()).toEqual([...expected.keys()].sort());
    const differing = [...expected].filter(([name, content]) => {
      const got = entries.get(name);
      return content === 'dir' ? got !== 'dir' : !(got instanceof Buffer && got.equals(content));
    });
    expect(differing.map(([name]) => name)).toEqual([]);
    const total = [...expected.values()].reduce((sum, v) => sum + (v === 'dir' ? 0 : v.length), 0);
    expect(fileBytes).toBe(total);
    expect(await countFolderBytes(root)).toBe(total);
  });

  it('keeps file modes (setuid included: restore strips it) and writes folders before their contents', async () => {
    await mkdir(join(root, 'secret'), { mode: 0o700 });
    await writeFile(join(root, 'secret', 'db-password.txt'), 'hunter2', { mode: 0o644 });
    const names: Array<{ name: string; mode: number }> = [];
    const extract = tar.extract();
    extract.on('entry', (header, body, next) => {
      names.push({ name: header.name, mode: header.mode ?? -1 });
      body.on('end', () => next());
      body.resume();
    });
    const finished = new Promise<void>((resolve) => extract.on('finish', () => resolve()));
    for await (const chunk of packFolder(root)) extract.write(chunk as Buffer);
    extract.end(null);
    await finished;
    expect(names).toEqual([
      { name: 'secret/', mode: 0o700 },
      { name: 'secret/db-password.txt', mode: 0o644 },
    ]);
  });

  it('fails with a SourceFailure on a symbolic link', async () => {
    await writeFile(join(root, 'a.txt'), 'a');
    await symlink('/etc/passwd', join(root, 'link'));
    await expect(unpack(packFolder(root), join(temp.path, 'out'))).rejects.toBeInstanceOf(SourceFailure);
  });

  it('fails with a SourceFailure on a FIFO, without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    await expect(unpack(packFolder(root), join(temp.path, 'out'))).rejects.toThrow(/special file/);
  });

  it('stops reading when the consumer goes away (cancel) and reports no error afterwards', async () => {
    for (let i = 0; i < 40; i++) await writeFile(join(root, `big-${i}.bin`), Buffer.alloc(512 * 1024, i));
    const stream = packFolder(root);
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    expect(stream.destroyed).toBe(true);
    // The folder is still readable afterwards (nothing was left locked or half-open).
    expect((await readFile(join(root, 'big-0.bin'))).length).toBe(512 * 1024);
  });
});

describe('extractTar gives back the restored plaintext it has written', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => temp.remove());

  it('every piece holding only file data comes back once it is in the file, large and small files alike', async () => {
    const large = randomBytes(6 * 1024 * 1024 + 77);
    const small = randomBytes(3000);
    const pack = tar.pack();
    pack.entry({ name: 'large.bin', size: large.length }, large);
    pack.entry({ name: 'small.bin', size: small.length }, small);
    pack.finalize();
    const packed: Buffer[] = [];
    for await (const piece of pack as AsyncIterable<Buffer>) packed.push(piece);
    const archive = Buffer.concat(packed);
    // Decrypted chunks as the restore hands them on: 1 MiB each, in memory of their own, lent.
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < archive.length; offset += 1 << 20) chunks.push(Buffer.from(archive.subarray(offset, offset + (1 << 20))));
    const givenBack = new Set<Buffer>();
    for (const chunk of chunks) lendUntilDone(chunk, (bytes) => givenBack.add(bytes));

    const into = join(temp.path, 'restored');
    await mkdir(into);
    await extractTar(into, Readable.from(chunks));
    expect((await readFile(join(into, 'large.bin'))).equals(large)).toBe(true);
    expect((await readFile(join(into, 'small.bin'))).equals(small)).toBe(true);
    // The first chunk holds the large file's header, the last the small one's and the archive's end: the extractor reads those itself.
    // Compared by identity (which buffers), not by content: a deep comparison of megabytes took half a minute.
    expect([...givenBack].map((buffer) => chunks.indexOf(buffer))).toEqual(chunks.slice(1, -1).map((_, index) => index + 1));
  });
});
