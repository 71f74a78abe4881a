import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../main/web/static-files';
import { makeTempDir } from '../../support/temp-dir';

describe('the web host serves the built renderer compressed and cached by name', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  const script = 'console.log("console");'.repeat(50);

  beforeAll(async () => {
    temp = await makeTempDir();
    root = join(temp.path, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(root, 'assets', 'index-Ab12Cd.js'), script);
    await writeFile(join(root, 'assets', 'index-Ab12Cd.js.br'), brotliCompressSync(script));
    await writeFile(join(root, 'assets', 'index-Ab12Cd.js.gz'), gzipSync(script));
    await writeFile(join(temp.path, 'secret.txt'), 'outside');
  });
  afterAll(async () => {
    await temp.remove();
  });

  it('sends hashed assets as brotli when the browser accepts it, cached for good', async () => {
    const file = await readStaticFile(root, '/assets/index-Ab12Cd.js', 'gzip, deflate, br, zstd');
    expect(file?.headers).toEqual({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Encoding': 'br',
      Vary: 'Accept-Encoding',
    });
    expect(file?.body.length).toBeLessThan(script.length);
  });

  it('falls back to gzip, then to the plain file', async () => {
    expect((await readStaticFile(root, '/assets/index-Ab12Cd.js', 'gzip'))?.headers['Content-Encoding']).toBe('gzip');
    expect((await readStaticFile(root, '/assets/index-Ab12Cd.js', 'br;q=0, gzip'))?.headers['Content-Encoding']).toBe('gzip');
    const plain = await readStaticFile(root, '/assets/index-Ab12Cd.js', undefined);
    expect(plain?.headers['Content-Encoding']).toBeUndefined();
    expect(plain?.headers.Vary).toBe('Accept-Encoding');
    expect(plain?.body.toString()).toBe(script);
  });

  it('never lets the browser keep index.html, which names the current assets', async () => {
    const index = await readStaticFile(root, '/', 'br');
    expect(index?.headers['Cache-Control']).toBe('no-store');
    expect(index?.headers['Content-Type']).toBe('text/html; charset=utf-8');
  });

  it('serves nothing outside its folder', async () => {
    expect(await readStaticFile(root, '/../secret.txt', 'br')).toBeNull();
    expect(await readStaticFile(root, '/%2e%2e/secret.txt', 'br')).toBeNull();
    expect(await readStaticFile(root, '/assets/missing.js', 'br')).toBeNull();
  });
});
