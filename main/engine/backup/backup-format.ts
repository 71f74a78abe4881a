import {
  constants,
  createHash,
  createHmac,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  hkdfSync,
  sign,
  verify,
} from 'node:crypto';
import { z } from 'zod';
import { BACKUP_STATES } from '../../../preload/api';
import { EngineError } from '../errors';
import type { StationSigner } from '../secrets/station-signing-key';
import { ChunkDecryptor, componentKey, DEFAULT_CHUNK_BYTES, type CompressionName } from './chunked-aead';
import { ComponentEncryptor } from './component-encryptor';
import type {
  BackupFormat,
  BackupSealer,
  ComponentPayload,
  ComponentRecord,
  EncryptedComponent,
  ManifestDraft,
  OpeningKey,
  ReadManifest,
  UnlockedBackup,
} from './codec-port';
import { extractTar, packFolder } from './folder-archive';

/** The version this console writes: 2 adds the station signature (docs/BACKUP-FORMAT.md). Version 1 is still read. */
export const FORMAT_VERSION = 2;
const SIGNATURE_CONTEXT = 'ibc-manifest-signature-v2\0';

/** How far a restored component may exceed its manifest's sourceBytes before it is stopped as a decompression bomb. */
export const OUTPUT_MARGIN_BYTES = 1024 * 1024;

function manifestKey(dataKey: Buffer, backupId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(backupId, 'utf8'), Buffer.from('ibc-manifest-v1', 'utf8'), 32));
}

/** JSON with keys sorted at every level and no white space: the bytes the manifest MAC covers. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function legacyKeyId(key: Buffer): string {
  return createHash('sha256').update('ibc-legacy-key-id\0').update(key).digest('hex').slice(0, 16);
}

function legacyWrapAad(backupId: string): Buffer {
  return Buffer.from(`ibc-legacy-wrap-v1\0${backupId}`, 'utf8');
}

const componentSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  state: z.enum(['Succeeded', 'Failed']),
  error: z.string().optional(),
  payload: z.enum(['tar', 'raw']),
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.bin$/),
  sourceBytes: z.number().int().nonnegative(),
  storedBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^([0-9a-f]{64})?$/),
  compression: z.enum(['none', 'gzip']),
});

const encryptionSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('certificate'),
    algorithm: z.literal('RSA-OAEP-256'),
    recipientThumbprint: z.string().regex(/^[0-9A-F]{40}$/),
    wrappedKey: z.string(),
  }),
  z.object({
    mode: z.literal('legacy-key'),
    algorithm: z.literal('A256GCM'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    nonce: z.string(),
    wrappedKey: z.string(),
  }),
]);

const signatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});

const manifestSchema = z.object({
  formatVersion: z.union([z.literal(1), z.literal(FORMAT_VERSION)]),
  backupId: z.string(),
  createdAt: z.string(),
  completedAt: z.string(),
  durationSeconds: z.number().nonnegative(),
  timeTakenToCreate: z.string(),
  trigger: z.enum(['scheduled', 'on-demand', 'catch-up']),
  state: z.enum(BACKUP_STATES),
  recoveryReady: z.boolean(),
  stamp: z.record(z.string(), z.string()),
  components: z.array(componentSchema),
  encryption: encryptionSchema,
  mac: z.string(),
  signature: signatureSchema.optional(),
});
type StoredManifest = z.infer<typeof manifestSchema>;

/** ISO-8601 duration, as Azure Stack's timeTakenToCreate (PT20M48.59S). */
export function isoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 100) / 100;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

function manifestFailure(detail: string): EngineError {
  return new EngineError({
    code: 'verify-failed',
    message: `The backup manifest is not valid: ${detail}.`,
    remediation: 'The backup folder was altered or damaged: do not rely on it; restore an earlier backup.',
  });
}

function wrongKey(detail: string): EngineError {
  return new EngineError({
    code: 'wrong-key',
    message: detail,
    remediation:
      'Use the .pfx (and its password) of the certificate the backup was encrypted to — its thumbprint is shown with the backup — or the legacy key it was made with.',
  });
}

class Sealer implements BackupSealer {
  private readonly dataKey = randomBytes(32);
  private readonly encryption: StoredManifest['encryption'];
  readonly recipientThumbprint: string | null;
  readonly encryptionMode: 'certificate' | 'legacy-key';

  constructor(
    private readonly backupId: string,
    target: Parameters<BackupFormat['newSealer']>[1],
    private readonly signer: StationSigner | null,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    if (target.mode === 'certificate') {
      const wrapped = publicEncrypt({ key: target.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, this.dataKey);
      this.encryption = {
        mode: 'certificate',
        algorithm: 'RSA-OAEP-256',
        recipientThumbprint: target.thumbprint,
        wrappedKey: wrapped.toString('base64'),
      };
      this.recipientThumbprint = target.thumbprint;
    } else {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', target.key, nonce);
      cipher.setAAD(legacyWrapAad(backupId));
      const wrapped = Buffer.concat([cipher.update(this.dataKey), cipher.final(), cipher.getAuthTag()]);
      this.encryption = {
        mode: 'legacy-key',
        algorithm: 'A256GCM',
        keyId: legacyKeyId(target.key),
        nonce: nonce.toString('base64'),
        wrappedKey: wrapped.toString('base64'),
      };
      this.recipientThumbprint = null;
    }
    this.encryptionMode = target.mode;
  }

  encryptComponent(component: string, payload: ComponentPayload): EncryptedComponent {
    const encryptor = new ComponentEncryptor(componentKey(this.dataKey, this.backupId, component), payload, this.chunkBytes);
    return {
      stream: encryptor,
      compression: () => encryptor.decided ?? 'none',
      sha256: () => encryptor.sha256(),
      storedBytes: () => encryptor.storedBytes,
    };
  }

  sealManifest(draft: ManifestDraft): Buffer {
    const body = {
      ...draft,
      formatVersion: this.signer ? FORMAT_VERSION : 1,
      timeTakenToCreate: isoDuration(draft.durationSeconds),
      encryption: this.encryption,
    };
    const mac = createHmac('sha256', manifestKey(this.dataKey, this.backupId)).update(canonicalJson(body)).digest('base64');
    if (!this.signer) return Buffer.from(JSON.stringify({ ...body, mac }, null, 2) + '\n', 'utf8');
    const signed = { ...body, mac };
    const value = sign(null, signedBytes(signed), this.signer.privateKey).toString('base64');
    const signature = { algorithm: 'Ed25519' as const, publicKey: this.signer.publicKey, value };
    return Buffer.from(JSON.stringify({ ...signed, signature }, null, 2) + '\n', 'utf8');
  }

  packFolder(dir: string, onFileBytes?: (delta: number) => void) {
    return packFolder(dir, onFileBytes);
  }
}

/**
 * A sealer with a chosen chunk size (the format allows 1 KiB–64 MiB: test vectors stay small) and
 * signer (null: an unsigned version-1 manifest, as consoles wrote before signing).
 */
export function createSealer(
  backupId: string,
  target: Parameters<BackupFormat['newSealer']>[1],
  chunkBytes: number,
  signer: StationSigner | null = null,
): BackupSealer {
  return new Sealer(backupId, target, signer, chunkBytes);
}

/** What the signature covers: a context string, then the canonical manifest without `signature` (so `mac` and every hash are covered). */
function signedBytes(manifestWithoutSignature: unknown): Buffer {
  return Buffer.from(SIGNATURE_CONTEXT + canonicalJson(manifestWithoutSignature), 'utf8');
}

/** The manifest's signature: its public key and whether it verifies (with that key, over the manifest as stored). */
function checkSignature(stored: StoredManifest): ReadManifest['signature'] {
  if (!stored.signature) return null;
  const { signature, ...rest } = stored;
  let valid = false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signature.publicKey, 'base64').toString('base64url') },
      format: 'jwk',
    });
    valid = verify(null, signedBytes(rest), key, Buffer.from(signature.value, 'base64'));
  } catch {
    valid = false;
  }
  return { publicKey: signature.publicKey, valid };
}

function parseManifest(bytes: Buffer): StoredManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw manifestFailure('it is not JSON');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw manifestFailure(`${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function toReadManifest(stored: StoredManifest): ReadManifest {
  return {
    formatVersion: stored.formatVersion,
    signature: checkSignature(stored),
    backupId: stored.backupId,
    createdAt: stored.createdAt,
    completedAt: stored.completedAt,
    durationSeconds: stored.durationSeconds,
    trigger: stored.trigger,
    state: stored.state === 'Succeeded' || stored.state === 'PartialSucceeded' ? stored.state : 'Failed',
    recoveryReady: stored.recoveryReady,
    stamp: stored.stamp,
    components: stored.components as ComponentRecord[],
    encryption: {
      mode: stored.encryption.mode,
      recipientThumbprint: stored.encryption.mode === 'certificate' ? stored.encryption.recipientThumbprint : null,
      ...(stored.encryption.mode === 'legacy-key' ? { legacyKeyId: stored.encryption.keyId } : {}),
    },
  };
}

function unwrapDataKey(stored: StoredManifest, key: OpeningKey): Buffer {
  const encryption = stored.encryption;
  if (encryption.mode === 'certificate') {
    if (key.kind !== 'private-key')
      throw wrongKey(
        `This backup is encrypted to certificate ${encryption.recipientThumbprint}; it needs that certificate's .pfx, not a legacy key.`,
      );
    try {
      return privateDecrypt(
        { key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        Buffer.from(encryption.wrappedKey, 'base64'),
      );
    } catch {
      throw wrongKey(`This .pfx does not open the backup: it is encrypted to certificate ${encryption.recipientThumbprint}.`);
    }
  }
  if (key.kind !== 'legacy-key')
    throw wrongKey('This backup was made in backwards-compatibility mode; it needs the legacy encryption key, not a .pfx.');
  if (legacyKeyId(key.key) !== encryption.keyId) throw wrongKey('This legacy encryption key is not the one the backup was made with.');
  try {
    const wrapped = Buffer.from(encryption.wrappedKey, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(encryption.nonce, 'base64'));
    decipher.setAAD(legacyWrapAad(stored.backupId));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
    return Buffer.concat([decipher.update(wrapped.subarray(0, wrapped.length - 16)), decipher.final()]);
  } catch {
    throw wrongKey('The legacy encryption key does not open this backup.');
  }
}

export const backupFormat: BackupFormat = {
  newSealer: (backupId, target, signer) => new Sealer(backupId, target, signer),
  readManifest: (bytes) => toReadManifest(parseManifest(bytes)),
  unlock(manifestBytes, key): UnlockedBackup {
    const stored = parseManifest(manifestBytes);
    const dataKey = unwrapDataKey(stored, key);
    // The MAC covers the manifest without `mac` and without `signature` (which is made after it).
    const { mac, signature: _signature, ...body } = stored;
    const expected = createHmac('sha256', manifestKey(dataKey, stored.backupId)).update(canonicalJson(body)).digest();
    const presented = Buffer.from(mac, 'base64');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
      throw manifestFailure('its authentication code does not match (the manifest was altered)');
    return {
      decryptComponent(component, options = {}) {
        return new ChunkDecryptor(componentKey(dataKey, stored.backupId, component.name), {
          expect: { compression: component.compression as CompressionName, payload: component.payload },
          onMismatch: () => manifestFailure(`${component.file} does not match the manifest's compression or payload`),
          ...(options.boundOutput ? { maxOutputBytes: component.sourceBytes + OUTPUT_MARGIN_BYTES } : {}),
        });
      },
    };
  },
  extractTar,
};
