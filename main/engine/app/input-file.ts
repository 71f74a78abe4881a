import { open, type FileHandle } from 'node:fs/promises';
import { invalidInput } from '../errors';

/** What a file given on the command line must be, and the most it may hold: nothing is read past it (`--cert /dev/zero` ends). */
export interface InputFileKind {
  what: string;
  maxBytes: number;
}

// The contract accepts certificates and .pfx files of at most 64 KiB; real ones are a few KiB.
export const CERTIFICATE_FILE: InputFileKind = { what: 'certificate (.cer/.crt)', maxBytes: 64 * 1024 };
export const PFX_FILE: InputFileKind = { what: '.pfx file', maxBytes: 64 * 1024 };
export const BACKUP_LOCATION_FILE: InputFileKind = { what: 'BackupLocation document', maxBytes: 1024 * 1024 };
/** An enterprise root CA file: a few PEM certificates. */
export const ROOT_CA_FILE: InputFileKind = { what: 'root CA certificate file (PEM)', maxBytes: 256 * 1024 };

const PIECE_BYTES = 64 * 1024;

/** Reads a whole input file of a known kind: an empty, oversized, missing or unreadable file is invalid input naming the option. */
export async function readInputFile(field: string, path: string, kind: InputFileKind): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadable(field, path, error);
  }
  try {
    const pieces: Buffer[] = [];
    let size = 0;
    for (;;) {
      const piece = Buffer.alloc(PIECE_BYTES);
      const { bytesRead } = await handle.read(piece, 0, PIECE_BYTES, null).catch((error: unknown) => {
        throw unreadable(field, path, error);
      });
      if (bytesRead === 0) break;
      pieces.push(piece.subarray(0, bytesRead));
      size += bytesRead;
      if (size > kind.maxBytes)
        throw invalidInput(
          field,
          `The file ${path} holds more than ${kind.maxBytes / 1024} KiB: it is not a ${kind.what}.`,
          `Give the ${kind.what} itself.`,
        );
    }
    if (size === 0) throw invalidInput(field, `The file ${path} is empty.`, `Give the ${kind.what} itself; nothing was changed.`);
    return Buffer.concat(pieces);
  } finally {
    await handle.close();
  }
}

function unreadable(field: string, path: string, error: unknown) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
  return invalidInput(field, `The file ${path} ${reason}.`, 'Check the path and the file permissions.');
}
