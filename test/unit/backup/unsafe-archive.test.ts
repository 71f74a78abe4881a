import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTar, safeEntryPath, UnsafeArchiveEntry } from '../../../main/engine/backup/folder-archive';
import { makeTempDir } from '../../support/temp-dir';

/** A tar archive with the given entries, as a Node stream. */
function archive(entries: Array<{ header: Partial<tar.Header> & { name: string }; body?: string }>): Readable {
  const pack = tar.pack();
  for (const { header, body } of entries) pack.entry(header as tar.Header, body ?? '');
  pack.finalize();
  return Readable.from(pack);
}

describe('restore refuses archive entries that would escape the target', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let target: string;
  beforeEach(async () => {
    temp = await makeTempDir();
    target = join(temp.path, 'target', 'inner');
    await mkdir(target, { recursive: true });
  });
  afterEach(async () => temp.remove());

  const cases: Array<[string, Partial<tar.Header> & { name: string }]> = [
    ['a ../ path', { name: '../escape.txt', type: 'file' }],
    ['a nested ../ path', { name: 'ok/../../escape.txt', type: 'file' }],
    ['an absolute path', { name: '/tmp/escape.txt', type: 'file' }],
    ['a symbolic link', { name: 'link', type: 'symlink', linkname: '/etc/passwd' }],
    ['a hard link', { name: 'hard', type: 'link', linkname: '/etc/passwd' }],
    ['a device', { name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }],
  ];

  for (const [label, header] of cases) {
    it(`refuses ${label} and writes nothing outside the target`, async () => {
      await expect(extractTar(target, archive([{ header, body: header.type === 'file' ? 'x' : undefined }]))).rejects.toBeInstanceOf(
        UnsafeArchiveEntry,
      );
      expect(await readdir(temp.path)).toEqual(['target']);
      expect(await readdir(join(temp.path, 'target'))).toEqual(['inner']);
      expect(await readdir(target)).toEqual([]);
    });
  }

  it('extracts files and empty folders of a well-formed archive', async () => {
    const result = await extractTar(
      target,
      archive([
        { header: { name: 'dir', type: 'directory' } },
        { header: { name: 'dir/a.txt', type: 'file' }, body: 'hello' },
        { header: { name: 'empty', type: 'directory' } },
      ]),
    );
    expect(result).toEqual({ files: 1, bytes: 5 });
    expect((await readdir(target)).sort()).toEqual(['dir', 'empty']);
  });

  it('maps names into the folder and refuses Windows-style absolute names', () => {
    expect(safeEntryPath('/r', 'a/b.txt')).toBe('/r/a/b.txt');
    expect(() => safeEntryPath('/r', 'C:\\Windows\\x')).toThrow(UnsafeArchiveEntry);
    expect(() => safeEntryPath('/r', '\\\\server\\share')).toThrow(UnsafeArchiveEntry);
  });
});
