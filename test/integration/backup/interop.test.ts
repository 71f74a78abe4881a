import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { extractTar } from '../../../main/engine/backup/folder-archive';
import { backupNow, makeSourceTree, MARKER, PFX_PASSWORD, succeeded, testCertificate, treeDigest } from '../../support/backup-fixtures';
import { makeTempDir } from '../../support/temp-dir';

const DECODER = resolve(import.meta.dirname, '..', '..', 'interop', 'decode.py');
// Debian's interpreter, which has python3-cryptography; the first python3 on PATH may be another build.
const PYTHON = '/usr/bin/python3';

function decode(
  folder: string,
  pfx: string,
  out: string,
  password: string,
  signer?: string,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(PYTHON, [DECODER, folder, pfx, out, ...(signer ? [signer] : [])], { input: password, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('an independent Python decoder, written from docs/BACKUP-FORMAT.md, decrypts an engine backup', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  let source: string;
  let folder: string;
  let pfx: string;
  let exportTail: Buffer;

  beforeAll(async () => {
    temp = await makeTempDir();
    source = join(temp.path, 'source');
    await makeSourceTree(source, 2 * 1024 * 1024 + 5);
    pfx = join(temp.path, 'key.pfx');
    await writeFile(pfx, testCertificate().pfxDer);
    engine = createEngine({
      configDir: join(temp.path, 'config'),
      version: 'test',
      frontDoor: 'cli',
      logger: createLogger({ level: 'silent' }),
    });
    await engine.saveSettings({ location: join(temp.path, 'share'), certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.addSource({ name: 'files', folder: source });
    // Compressible, then not, then compressible again: one gzip member of segments compressed and stored (gzip-segments.ts).
    exportTail = Buffer.concat([Buffer.alloc(3_000_000), randomBytes(1_500_000), Buffer.alloc(100_000, 'x')]);
    await writeFile(join(temp.path, 'export-tail.bin'), exportTail);
    await engine.station.addCommandSource({
      name: 'export',
      command: `printf '%s' 'raw export ${MARKER}'; cat '${join(temp.path, 'export-tail.bin')}'`,
    });
    const summary = succeeded(await backupNow(engine));
    folder = join(temp.path, 'share', 'MASBackup', summary.backupId);
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  it('produces the same bytes as the sources (tar extracted, raw compared)', async () => {
    const out = join(temp.path, 'python-out');
    const run = decode(folder, pfx, out, PFX_PASSWORD);
    expect(run.status, run.stderr).toBe(0);
    const extracted = join(temp.path, 'python-extracted');
    await mkdir(extracted);
    await extractTar(extracted, createReadStream(join(out, 'files.tar')));
    expect(await treeDigest(extracted)).toEqual(await treeDigest(source));
    const raw = await readFile(join(out, 'export.raw'));
    expect(raw.subarray(0, 30).toString()).toBe(`raw export ${MARKER}`.slice(0, 30));
    expect(raw.subarray(`raw export ${MARKER}`.length).equals(exportTail)).toBe(true);
  });

  it('checks the station signature: names this console as the signer, refuses another', async () => {
    const signer = (await engine.getSettings()).signingPublicKey!;
    const run = decode(folder, pfx, join(temp.path, 'signed-out'), PFX_PASSWORD, signer);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`signed by ${signer}`);
    const other = Buffer.alloc(32, 9).toString('base64');
    const refused = decode(folder, pfx, join(temp.path, 'other-out'), PFX_PASSWORD, other);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/unknown signer/);
  });

  it('decodes the signature vectors as test/vectors/vectors.json says', async () => {
    const vectors = resolve(import.meta.dirname, '..', '..', 'vectors');
    const index = JSON.parse(await readFile(join(vectors, 'vectors.json'), 'utf8')) as { signer: string };
    const run = (name: string, signer?: string) =>
      decode(join(vectors, name), join(vectors, 'key.pfx'), join(temp.path, `vector-${name}`), 'test vectors only', signer);
    expect(run('good-signed', index.signer).status).toBe(0);
    expect(run('bad-signature', index.signer).stderr).toMatch(/bad signature/);
    expect(run('unknown-signer', index.signer).stderr).toMatch(/unknown signer/);
    const before = run('good');
    expect(before.status).toBe(0);
    expect(before.stdout).toContain('unsigned (made before signing)');
  });

  it('fails on a wrong password, a tampered manifest and a flipped chunk byte', async () => {
    expect(decode(folder, pfx, join(temp.path, 'o1'), 'wrong password').status).not.toBe(0);
    const manifestPath = join(folder, 'manifest.json');
    const manifest = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, manifest.replace('"trigger": "on-demand"', '"trigger": "scheduled"'));
    const tampered = decode(folder, pfx, join(temp.path, 'o2'), PFX_PASSWORD);
    expect(tampered.status).toBe(1);
    // The station signature covers the whole manifest: a change is caught there, before the MAC.
    expect(tampered.stderr).toMatch(/bad signature/);
    await writeFile(manifestPath, manifest);
    const bin = join(folder, 'files.bin');
    const original = await readFile(bin);
    const flipped = Buffer.from(original);
    flipped[flipped.length - 40]! ^= 0x01;
    await writeFile(bin, flipped);
    const damaged = decode(folder, pfx, join(temp.path, 'o3'), PFX_PASSWORD);
    await writeFile(bin, original);
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toMatch(/files: size or SHA-256/);
  });
});
