import type { BackupSigner } from '../../../preload/api';
import { EngineError } from '../errors';
import { parseSigningPublicKey } from '../secrets/station-signing-key';
import type { ReadManifest } from './codec-port';

/** What this console knows about signers: its own keys, and since when it signs. */
export interface SignerFacts {
  consoleKeys: readonly string[];
  /** When this console's signing key was made; null when it has none (nothing it made is signed). */
  signingSince: string | null;
}

export interface JudgedSigner extends BackupSigner {
  /** Whether verify may pass and restore may go on without the operator naming the signer. */
  acceptable: boolean;
}

/**
 * Who wrote a backup, and whether to rely on it (docs/BACKUP-FORMAT.md § What
 * verify proves): signed by this console or by the key the operator passed
 * (`trustSigner`: another station's backups in disaster recovery) — accepted;
 * signed by any other key, a signature that does not verify, or unsigned
 * although made after this console began signing — refused. Unsigned backups
 * from before signing (format 1) are accepted and reported as such.
 */
export function judgeSigner(manifest: ReadManifest, facts: SignerFacts, trustSigner?: string): JudgedSigner {
  const trusted = trustSigner?.trim() || null;
  if (trusted) parseSigningPublicKey(trusted, 'trustSigner');
  const signature = manifest.signature;
  if (signature) {
    const { publicKey } = signature;
    if (!signature.valid)
      return {
        status: 'bad-signature',
        publicKey,
        acceptable: false,
        detail: `The signature does not verify: the manifest was changed after ${publicKey} signed it, or the signature was forged.`,
      };
    if (facts.consoleKeys.includes(publicKey))
      return { status: 'this-console', publicKey, acceptable: true, detail: 'Signed by this console.' };
    if (publicKey === trusted)
      return { status: 'trusted-key', publicKey, acceptable: true, detail: `Signed by ${publicKey}, which you named as trusted.` };
    return {
      status: 'unknown-key',
      publicKey,
      acceptable: false,
      detail: `Signed by an unknown key (${publicKey}): not this console's. If it is the key of the station that made the backup (its settings show it), pass it as the trusted signer.`,
    };
  }
  const beforeSigning = manifest.formatVersion === 1 && (facts.signingSince === null || manifest.createdAt < facts.signingSince);
  if (beforeSigning)
    return { status: 'unsigned-before-signing', publicKey: null, acceptable: true, detail: 'Unsigned (made before signing).' };
  return {
    status: 'unsigned',
    publicKey: null,
    acceptable: false,
    detail:
      'Unsigned, and dated after this console began signing its backups: it was not made by this console (anyone with the public certificate can write such a backup).',
  };
}

/** Restore refuses a backup whose signer is not accepted, saying who signed it and what to do. */
export function refuseSigner(backupId: string, signer: JudgedSigner): EngineError {
  return new EngineError({
    code: 'restore-failed',
    message: `Backup ${backupId} was not restored: ${signer.detail}`,
    remediation:
      signer.status === 'unknown-key'
        ? `Restore it only if you trust that key: pass it explicitly (CLI: --trust-signer ${signer.publicKey}).`
        : 'Do not rely on this backup: it may have been written to the share by someone else. Restore a backup this console made.',
  });
}

export function signerView(signer: JudgedSigner): BackupSigner {
  return { status: signer.status, publicKey: signer.publicKey, detail: signer.detail };
}
