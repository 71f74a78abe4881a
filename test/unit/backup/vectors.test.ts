import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { backupFormat, createSealer } from '../../../main/engine/backup/backup-format';
import { HEADER_BYTES, StreamIntegrityError, TAG_BYTES } from '../../../main/engine/backup/chunked-aead';
import type { ComponentRecord, ManifestDraft } from '../../../main/engine/backup/codec-port';
import { generateSelfSignedCertificate, openPfx, publicKeyFromCertificate } from '../../../main/engine/certificates';
import { isEngineError } from '../../../main/engine/errors';
import { judgeSigner } from '../../../main/engine/backup/signer-policy';
import { generateStationSigningKey } from '../../../main/engine/secrets/station-signing-key';

const VECTORS = resolve(import.meta.dirname, '..', '..', 'vectors');
const PASSWORD = 'test vectors only';
const CHUNK = 1024;

type Expectation = 'ok' | 'bad-tag' | 'truncated' | 'wrong-key' | 'manifest-tampered' | 'bad-signature' | 'unknown-key';

interface VectorIndex {
  plaintextSha256: string;
  /** The public key (base64 of 32 bytes) of the station that signed the format-2 vectors: "this console" for the test. */
  signer: string;
  /** When that station began signing: the unsigned format-1 vectors are older. */
  signingSince: string;
  signedPlaintextSha256: string;
  vectors: Array<{ name: string; expect: Expectation; note: string }>;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes the vectors (run with IBC_WRITE_VECTORS=1); the committed files are what the test below decodes. */
async function generate(): Promise<void> {
  const recipient = generateSelfSignedCertificate({ dnsName: 'vectors.test.invalid', pfxPassword: PASSWORD, years: 10 });
  const stranger = generateSelfSignedCertificate({ dnsName: 'stranger.test.invalid', pfxPassword: PASSWORD });
  const plaintext = randomBytes(3 * CHUNK + 300);
  // The public key comes from the certificate the way the engine takes it.
  const seal = async (certificate: typeof recipient, dir: string): Promise<void> => {
    const backupId = '20261124T120000Z-0a0b0c';
    const sealer = createSealer(
      backupId,
      { mode: 'certificate', thumbprint: certificate.info.thumbprint, publicKey: publicKeyFromCertificate(certificate.cerDer) },
      CHUNK,
    );
    const { stream, compression } = sealer.encryptComponent('data', 'raw');
    await mkdir(dir, { recursive: true });
    const stored = await collect(Readable.from([plaintext]).pipe(stream));
    await writeFile(join(dir, 'data.bin'), stored);
    const component: ComponentRecord = {
      name: 'data',
      state: 'Succeeded',
      payload: 'raw',
      file: 'data.bin',
      sourceBytes: plaintext.length,
      storedBytes: stored.length,
      sha256: createHash('sha256').update(stored).digest('hex'),
      compression: compression(),
    };
    const draft: ManifestDraft = {
      backupId,
      createdAt: '2026-11-24T12:00:00.000Z',
      completedAt: '2026-11-24T12:00:01.500Z',
      durationSeconds: 1.5,
      trigger: 'on-demand',
      state: 'Succeeded',
      components: [component],
      recoveryReady: true,
      stamp: { purpose: 'test vector' },
    };
    await writeFile(join(dir, 'manifest.json'), sealer.sealManifest(draft));
  };
  await rm(VECTORS, { recursive: true, force: true });
  await mkdir(VECTORS, { recursive: true });
  await writeFile(join(VECTORS, 'key.pfx'), recipient.pfxDer);
  await seal(recipient, join(VECTORS, 'good'));
  await seal(stranger, join(VECTORS, 'wrong-recipient'));
  const good = await readFile(join(VECTORS, 'good', 'data.bin'));
  const manifest = await readFile(join(VECTORS, 'good', 'manifest.json'), 'utf8');
  const sealed = CHUNK + TAG_BYTES;
  const variant = async (name: string, bin: Buffer, manifestText = manifest): Promise<void> => {
    await mkdir(join(VECTORS, name), { recursive: true });
    await writeFile(join(VECTORS, name, 'data.bin'), bin);
    await writeFile(join(VECTORS, name, 'manifest.json'), manifestText);
  };
  const flipped = Buffer.from(good);
  flipped[HEADER_BYTES + sealed + 10]! ^= 0x01;
  await variant('bad-tag', flipped);
  await variant('truncated', good.subarray(0, HEADER_BYTES + 3 * sealed));
  const swapped = Buffer.concat([
    good.subarray(0, HEADER_BYTES),
    good.subarray(HEADER_BYTES + sealed, HEADER_BYTES + 2 * sealed),
    good.subarray(HEADER_BYTES, HEADER_BYTES + sealed),
    good.subarray(HEADER_BYTES + 2 * sealed),
  ]);
  await variant('swapped-chunks', swapped);
  await variant(
    'tampered-manifest',
    good,
    manifest.replace('"state": "Succeeded",\n  "components"', '"state": "PartialSucceeded",\n  "components"'),
  );
  const index: VectorIndex = {
    plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
    // Filled in by generateSigned, run below.
    signer: '',
    signingSince: '',
    signedPlaintextSha256: '',
    vectors: [
      { name: 'good', expect: 'ok', note: '3 full 1 KiB chunks and a 300-byte final chunk, raw payload, no compression' },
      { name: 'bad-tag', expect: 'bad-tag', note: 'one ciphertext bit flipped in chunk 1' },
      { name: 'truncated', expect: 'truncated', note: 'the final chunk removed: the stream ends on a non-final chunk' },
      { name: 'swapped-chunks', expect: 'bad-tag', note: 'chunks 0 and 1 exchanged' },
      { name: 'wrong-recipient', expect: 'wrong-key', note: 'encrypted to another certificate; opened with key.pfx' },
      { name: 'tampered-manifest', expect: 'manifest-tampered', note: 'state changed to PartialSucceeded without the data key' },
    ],
  };
  await writeFile(join(VECTORS, 'vectors.json'), JSON.stringify(index, null, 2) + '\n');
  await generateSigned();
}

/**
 * Adds the format-2 (signed) vectors beside the format-1 ones, which stay as they are: they are
 * backups "made before signing" (run with IBC_WRITE_SIGNED_VECTORS=1).
 */
async function generateSigned(): Promise<void> {
  const index = JSON.parse(await readFile(join(VECTORS, 'vectors.json'), 'utf8')) as VectorIndex;
  const opened = openPfx(await readFile(join(VECTORS, 'key.pfx')), PASSWORD);
  const station = generateStationSigningKey().signer;
  const stranger = generateStationSigningKey().signer;
  const plaintext = randomBytes(2 * CHUNK + 100);
  const seal = async (signer: typeof station, dir: string): Promise<void> => {
    const backupId = '20261125T120000Z-0d0e0f';
    const sealer = createSealer(
      backupId,
      { mode: 'certificate', thumbprint: opened.certificate!.thumbprint, publicKey: createPublicKey(opened.privateKey) },
      CHUNK,
      signer,
    );
    const encrypted = sealer.encryptComponent('data', 'raw');
    await mkdir(dir, { recursive: true });
    const stored = await collect(Readable.from([plaintext]).pipe(encrypted.stream));
    await writeFile(join(dir, 'data.bin'), stored);
    const draft: ManifestDraft = {
      backupId,
      createdAt: '2026-11-25T12:00:00.000Z',
      completedAt: '2026-11-25T12:00:01.000Z',
      durationSeconds: 1,
      trigger: 'scheduled',
      state: 'Succeeded',
      components: [
        {
          name: 'data',
          state: 'Succeeded',
          payload: 'raw',
          file: 'data.bin',
          sourceBytes: plaintext.length,
          storedBytes: stored.length,
          sha256: encrypted.sha256(),
          compression: encrypted.compression(),
        },
      ],
      recoveryReady: true,
      stamp: { purpose: 'test vector' },
    };
    await writeFile(join(dir, 'manifest.json'), sealer.sealManifest(draft));
  };
  await seal(station, join(VECTORS, 'good-signed'));
  await seal(stranger, join(VECTORS, 'unknown-signer'));
  // The good manifest with one component hash changed, MAC and signature kept: a share-side swap of a file and its hash.
  await mkdir(join(VECTORS, 'bad-signature'), { recursive: true });
  await writeFile(join(VECTORS, 'bad-signature', 'data.bin'), await readFile(join(VECTORS, 'good-signed', 'data.bin')));
  const manifest = JSON.parse(await readFile(join(VECTORS, 'good-signed', 'manifest.json'), 'utf8')) as { stamp: Record<string, string> };
  manifest.stamp.purpose = 'forged';
  await writeFile(join(VECTORS, 'bad-signature', 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  index.signer = station.publicKey;
  index.signingSince = '2026-11-24T12:00:00.500Z';
  index.signedPlaintextSha256 = createHash('sha256').update(plaintext).digest('hex');
  index.vectors = index.vectors.filter((v) => !['good-signed', 'bad-signature', 'unknown-signer'].includes(v.name));
  index.vectors.push(
    { name: 'good-signed', expect: 'ok', note: 'format 2: signed by the station key `signer`; 2 full chunks and a 100-byte final chunk' },
    { name: 'bad-signature', expect: 'bad-signature', note: 'good-signed with its stamp changed after signing' },
    { name: 'unknown-signer', expect: 'unknown-key', note: 'format 2, validly signed by a key that is not `signer`' },
  );
  await writeFile(join(VECTORS, 'vectors.json'), JSON.stringify(index, null, 2) + '\n');
}

describe('test vectors (test/vectors/vectors.json)', () => {
  it.runIf(process.env.IBC_WRITE_VECTORS === '1')('regenerates the vectors', generate, 60_000);
  it.runIf(process.env.IBC_WRITE_SIGNED_VECTORS === '1')('adds the signed vectors', generateSigned, 60_000);

  it('every vector decodes to its expected result', async () => {
    const index = JSON.parse(await readFile(join(VECTORS, 'vectors.json'), 'utf8')) as VectorIndex;
    const { privateKey } = openPfx(await readFile(join(VECTORS, 'key.pfx')), PASSWORD);
    expect(index.vectors.length).toBe(9);
    for (const vector of index.vectors) {
      const dir = join(VECTORS, vector.name);
      const manifestBytes = await readFile(join(dir, 'manifest.json'));
      let outcome: string;
      try {
        const signer = judgeSigner(backupFormat.readManifest(manifestBytes), {
          consoleKeys: [index.signer],
          signingSince: index.signingSince,
        });
        if (!signer.acceptable) throw signer;
        const unlocked = backupFormat.unlock(manifestBytes, { kind: 'private-key', privateKey });
        const component = backupFormat.readManifest(manifestBytes).components[0]!;
        const plaintext = await collect(Readable.from([await readFile(join(dir, 'data.bin'))]).pipe(unlocked.decryptComponent(component)));
        const digest = createHash('sha256').update(plaintext).digest('hex');
        outcome = digest === index.plaintextSha256 || digest === index.signedPlaintextSha256 ? 'ok' : 'wrong-plaintext';
      } catch (error) {
        if (error !== null && typeof error === 'object' && 'acceptable' in error) outcome = (error as unknown as { status: string }).status;
        else if (error instanceof StreamIntegrityError) outcome = error.failure;
        else if (isEngineError(error) && error.code === 'wrong-key') outcome = 'wrong-key';
        else if (isEngineError(error) && error.code === 'verify-failed' && /altered/.test(error.message)) outcome = 'manifest-tampered';
        else throw error;
      }
      expect({ vector: vector.name, outcome }).toEqual({ vector: vector.name, outcome: vector.expect });
    }
  });

  it('keeps the streaming decoder honest: a pipeline over the good vector ends cleanly', async () => {
    const { privateKey } = openPfx(await readFile(join(VECTORS, 'key.pfx')), PASSWORD);
    const manifestBytes = await readFile(join(VECTORS, 'good', 'manifest.json'));
    const unlocked = backupFormat.unlock(manifestBytes, { kind: 'private-key', privateKey });
    let bytes = 0;
    await pipeline(
      Readable.from([await readFile(join(VECTORS, 'good', 'data.bin'))]),
      unlocked.decryptComponent(backupFormat.readManifest(manifestBytes).components[0]!),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const piece of source) bytes += piece.length;
      },
    );
    expect(bytes).toBe(3 * CHUNK + 300);
  });
});
