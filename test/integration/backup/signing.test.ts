import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/engine/service';
import { createLogger } from '../../../main/engine/app/logger';
import { createSealer } from '../../../main/engine/backup/backup-format';
import type { ManifestDraft } from '../../../main/engine/backup/codec-port';
import { publicKeyFromCertificate } from '../../../main/engine/certificates';
import { generateStationSigningKey, type StationSigner } from '../../../main/engine/secrets/station-signing-key';
import { backupNow, PFX_PASSWORD, succeeded, testCertificate } from '../../support/backup-fixtures';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';

/**
 * The adversarial case of issue 18: someone who can write to the share and
 * holds the public .cer writes a backup from docs/BACKUP-FORMAT.md. It lists,
 * decrypts and authenticates (its data key is the forger's) — but it is not
 * signed by this console, and verify and restore say so and refuse it.
 */
async function forgeBackup(
  store: string,
  backupId: string,
  createdAt: string,
  signer: StationSigner | null,
  payload: Buffer,
): Promise<void> {
  const certificate = testCertificate();
  const folder = join(store, 'MASBackup', backupId);
  await mkdir(folder, { recursive: true });
  const sealer = createSealer(
    backupId,
    { mode: 'certificate', thumbprint: certificate.info.thumbprint, publicKey: publicKeyFromCertificate(certificate.cerDer) },
    1024 * 1024,
    signer,
  );
  const encrypted = sealer.encryptComponent('export', 'raw');
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from([payload]).pipe(encrypted.stream)) chunks.push(chunk as Buffer);
  const stored = Buffer.concat(chunks);
  await writeFile(join(folder, 'export.bin'), stored);
  const draft: ManifestDraft = {
    backupId,
    createdAt,
    completedAt: createdAt,
    durationSeconds: 0,
    trigger: 'scheduled',
    state: 'Succeeded',
    components: [
      {
        name: 'export',
        state: 'Succeeded',
        payload: 'raw',
        file: 'export.bin',
        sourceBytes: payload.length,
        storedBytes: stored.length,
        sha256: createHash('sha256').update(stored).digest('hex'),
        compression: encrypted.compression(),
      },
    ],
    recoveryReady: true,
    stamp: {},
  };
  await writeFile(join(folder, 'manifest.json'), sealer.sealManifest(draft));
}

describe('signed backups: who wrote this backup (issue 18)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let engine: Engine;
  let configDir: string;
  let store: string;
  let ownId: string;
  const forger = generateStationSigningKey().signer;
  const pfx = () => ({ kind: 'pfx' as const, pfxBase64: testCertificate().pfxDer.toString('base64'), password: PFX_PASSWORD });

  beforeAll(async () => {
    temp = await makeTempDir();
    configDir = join(temp.path, 'config');
    store = join(temp.path, 'share');
    const source = join(temp.path, 'source');
    await mkdir(source);
    await writeFile(join(source, 'a.txt'), 'operator data');
    engine = createEngine({ configDir, version: 'test', frontDoor: 'cli', logger: createLogger({ level: 'silent' }) });
    await engine.saveSettings({ location: store, certificateBase64: testCertificate().cerDer.toString('base64') });
    await engine.addSource({ name: 'files', folder: source });
    const own = succeeded(await backupNow(engine));
    ownId = own.backupId;
    // The run's own report says who signed it, as the listing will.
    expect(own.signedBy).toBe((await engine.getSettings()).signingPublicKey);
    const now = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    await forgeBackup(store, `${now}-f0f0f0`, new Date().toISOString(), forger, Buffer.from('forged data'));
    await forgeBackup(store, `${now}-f1f1f1`, new Date().toISOString(), null, Buffer.from('forged, unsigned'));
    // A backup made before this console signed anything (format 1): its own, from before the upgrade.
    await forgeBackup(store, '20200101T000000Z-0a0a0a', '2020-01-01T00:00:00.000Z', null, randomBytes(100));
  });
  afterAll(async () => {
    await engine?.close();
    await temp?.remove();
  });

  const idEnding = async (suffix: string): Promise<string> =>
    (await engine.listBackups()).find((b) => b.backupId.endsWith(suffix))!.backupId;

  it('shows the station public key in the settings, the certificate history and the exported configuration', async () => {
    const key = (await engine.getSettings()).signingPublicKey;
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect((await engine.getCertificateHistory())[0]!.signingPublicKeys).toEqual([key]);
    expect((await engine.exportSettings()).properties.externalStoreDefault).toMatchObject({ stationSigningPublicKey: key });
  });

  it('its own backup: signed by this console, verified with and without the key, restored', async () => {
    const keyless = await engine.verifyBackup({ backupId: ownId });
    expect(keyless).toMatchObject({
      ok: true,
      signer: { status: 'this-console', publicKey: (await engine.getSettings()).signingPublicKey },
    });
    expect((await engine.verifyBackup({ backupId: ownId, key: pfx() })).ok).toBe(true);
    const restored = await engine.restoreBackup({ backupId: ownId, targetFolder: join(temp.path, 'own'), key: pfx() });
    expect(restored.signer.status).toBe('this-console');
    expect(await readFile(join(temp.path, 'own', 'files', 'a.txt'), 'utf8')).toBe('operator data');
  });

  it('a forged backup signed by another key lists, but verify fails and restore refuses it by default', async () => {
    const id = await idEnding('f0f0f0');
    const keyless = await engine.verifyBackup({ backupId: id });
    expect(keyless).toMatchObject({ ok: false, signer: { status: 'unknown-key', publicKey: forger.publicKey } });
    // It decrypts and authenticates (the forger chose its data key): only the signature tells.
    const deep = await engine.verifyBackup({ backupId: id, key: pfx() });
    expect(deep.components.every((c) => c.ok)).toBe(true);
    expect(deep.ok).toBe(false);
    const target = join(temp.path, 'forged');
    await expect(engine.restoreBackup({ backupId: id, targetFolder: target, key: pfx() })).rejects.toMatchObject({
      code: 'restore-failed',
      message: expect.stringContaining('unknown key'),
    });
    await expect(readFile(join(target, 'export', 'output.bin'))).rejects.toThrow();
  });

  it('disaster recovery: with the signer named explicitly it verifies and restores (engine and CLI)', async () => {
    const id = await idEnding('f0f0f0');
    expect(await engine.verifyBackup({ backupId: id, trustSigner: forger.publicKey })).toMatchObject({
      ok: true,
      signer: { status: 'trusted-key' },
    });
    const pfxFile = join(temp.path, 'key.pfx');
    await writeFile(pfxFile, testCertificate().pfxDer);
    const restoreArgs = ['--config-dir', configDir, 'backup', 'restore', id, '--pfx', pfxFile, '--pfx-password-stdin'];
    const refused = await cli([...restoreArgs, '--out', join(temp.path, 'cli-refused')], PFX_PASSWORD);
    expect(refused.code).toBe(4);
    expect(refused.err).toContain(`--trust-signer ${forger.publicKey}`);
    const trusted = await cli([...restoreArgs, '--out', join(temp.path, 'cli-trusted'), '--trust-signer', forger.publicKey], PFX_PASSWORD);
    expect(trusted.code, trusted.err).toBe(0);
    expect(await readFile(join(temp.path, 'cli-trusted', 'export', 'output.bin'), 'utf8')).toBe('forged data');
    const malformed = await cli([...restoreArgs, '--out', join(temp.path, 'cli-bad'), '--trust-signer', 'not-a-key'], PFX_PASSWORD);
    expect(malformed.code).toBe(2);
  });

  it('an unsigned backup dated after signing began is refused; one from before signing is accepted and says so', async () => {
    const unsigned = await idEnding('f1f1f1');
    expect(await engine.verifyBackup({ backupId: unsigned })).toMatchObject({ ok: false, signer: { status: 'unsigned' } });
    await expect(engine.restoreBackup({ backupId: unsigned, targetFolder: join(temp.path, 'unsigned'), key: pfx() })).rejects.toMatchObject(
      {
        code: 'restore-failed',
      },
    );
    const old = '20200101T000000Z-0a0a0a';
    expect(await engine.verifyBackup({ backupId: old })).toMatchObject({
      ok: true,
      signer: { status: 'unsigned-before-signing', detail: 'Unsigned (made before signing).' },
    });
    const restored = await engine.restoreBackup({ backupId: old, targetFolder: join(temp.path, 'old'), key: pfx() });
    expect(restored.signer.status).toBe('unsigned-before-signing');
  });

  it('a manifest changed after signing fails verification as a bad signature', async () => {
    const manifestPath = join(store, 'MASBackup', ownId, 'manifest.json');
    const original = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, original.replace('"trigger": "on-demand"', '"trigger": "scheduled"'));
    try {
      expect(await engine.verifyBackup({ backupId: ownId })).toMatchObject({ ok: false, signer: { status: 'bad-signature' } });
    } finally {
      await writeFile(manifestPath, original);
    }
  });
});
