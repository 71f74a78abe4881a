import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VerifyResult } from '../../../preload/api';
import { isEngineError } from '../errors';
import type { FileShare } from '../share/file-share';
import { BACKUP_ROOT } from './backup-id';
import type { CatalogEntry } from './catalog';
import type { UnlockedBackup } from './codec-port';
import type { OperationReporter } from './operations';
import { signerView, type JudgedSigner } from './signer-policy';
import { NO_CANCEL } from '../share/abort';
import { doneWith } from '../share/lent-buffers';

const discard = (): Writable =>
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      doneWith(chunk);
      callback();
    },
  });

/**
 * Without the private key: every stored file exists, has the size and the
 * SHA-256 the manifest records, and the manifest's signer is accepted
 * (signer-policy.ts). With an unlocked backup (deep): every chunk
 * of every component decrypts and authenticates, to the final chunk.
 * One result per component; a failure names the component and what is wrong.
 */
export async function verifyBackup(
  share: FileShare,
  entry: CatalogEntry,
  unlocked: UnlockedBackup | null,
  signer: JudgedSigner,
  reporter?: OperationReporter,
): Promise<VerifyResult> {
  const { manifest } = entry;
  const components: VerifyResult['components'] = [];
  const signal = reporter?.signal ?? NO_CANCEL;
  for (const component of manifest.components) {
    signal.throwIfAborted();
    if (component.state !== 'Succeeded') {
      components.push({
        name: component.name,
        ok: true,
        detail: `not stored: the component failed during backup (${component.error ?? 'no detail'})`,
      });
      continue;
    }
    const path = `${BACKUP_ROOT}/${manifest.backupId}/${component.file}`;
    try {
      const info = await share.stat(path, NO_CANCEL);
      if (!info) {
        components.push({ name: component.name, ok: false, detail: `${component.file} is missing from the share` });
        continue;
      }
      if (info.size !== component.storedBytes) {
        components.push({
          name: component.name,
          ok: false,
          detail: `${component.file} has ${info.size} bytes, the manifest records ${component.storedBytes} (truncated or altered)`,
        });
        continue;
      }
      // One read of the stored bytes: counted and hashed as they come (beside the pipe, not through more streams), and (deep) decrypted and authenticated.
      reporter?.component(component.name);
      const stream = await share.readStream(path, signal);
      const hash = createHash('sha256');
      const tally = (piece: Buffer): void => {
        hash.update(piece);
        reporter?.bytes(piece.length);
      };
      if (unlocked) {
        stream.on('data', tally);
        await pipeline(stream, unlocked.decryptComponent(component), discard(), { signal });
      } else
        for await (const piece of stream) {
          signal.throwIfAborted();
          tally(piece as Buffer);
          doneWith(piece as Buffer);
        }
      const digest = hash.digest('hex');
      if (digest !== component.sha256) {
        components.push({
          name: component.name,
          ok: false,
          detail: `${component.file} does not match its SHA-256 in the manifest (altered on the share)`,
        });
        continue;
      }
      components.push({
        name: component.name,
        ok: true,
        detail: unlocked ? 'hash matches; every chunk decrypted and authenticated' : 'size and SHA-256 match the manifest',
      });
    } catch (error) {
      if ((isEngineError(error) && error.code === 'share') || signal.aborted) throw error;
      components.push({
        name: component.name,
        ok: false,
        detail: `${component.file}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  // The signature covers the manifest and so every hash checked above: with it, keyless verify also proves who wrote the backup.
  return {
    backupId: manifest.backupId,
    deep: unlocked !== null,
    ok: signer.acceptable && components.every((c) => c.ok),
    signer: signerView(signer),
    components,
  };
}
