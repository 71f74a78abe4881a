/**
 * Windows DPAPI for the current user (CryptProtectData / CryptUnprotectData
 * in crypt32.dll, through koffi): the key is derived from the user's logon
 * credentials by Windows, so nothing key-like is stored beside the secrets.
 */
import { loadKoffi } from '../win32/load-koffi';

export interface Dpapi {
  /** Ciphertext of `plaintext`, bound to `entropy` (both needed to decrypt). Throws on failure. */
  protect(plaintext: Buffer, entropy: Buffer): Buffer;
  /** The plaintext; throws when the blob was made by another user or machine, or altered. */
  unprotect(ciphertext: Buffer, entropy: Buffer): Buffer;
}

/** CRYPTPROTECT_UI_FORBIDDEN: a service or CLI has no one to show a prompt to. */
const CRYPTPROTECT_UI_FORBIDDEN = 0x1;

type Call = (...args: unknown[]) => unknown;

interface Blob {
  cbData: number;
  pbData: unknown;
}

interface Crypt32 {
  CryptProtectData: Call;
  CryptUnprotectData: Call;
  LocalFree: Call;
  GetLastError: Call;
  decode: (pointer: unknown, length: number) => Buffer;
}

let crypt32: Crypt32 | null = null;

function bound(): Crypt32 {
  if (crypt32) return crypt32;
  const koffi = loadKoffi();
  const library = koffi.load('crypt32.dll');
  const kernel32 = koffi.load('kernel32.dll');
  koffi.struct('DATA_BLOB', { cbData: 'uint32', pbData: 'void *' });
  const signature = (name: string) =>
    `int __stdcall ${name}(DATA_BLOB *input, void *description, DATA_BLOB *entropy, void *reserved, void *prompt, uint32 flags, _Out_ DATA_BLOB *output)`;
  crypt32 = {
    CryptProtectData: library.func(signature('CryptProtectData')) as Call,
    CryptUnprotectData: library.func(signature('CryptUnprotectData')) as Call,
    LocalFree: kernel32.func('void * __stdcall LocalFree(void *memory)') as Call,
    GetLastError: kernel32.func('uint32 __stdcall GetLastError()') as Call,
    decode: (pointer, length) => Buffer.from(koffi.decode(pointer, 'uint8_t', length) as number[]),
  };
  return crypt32;
}

function transform(name: 'CryptProtectData' | 'CryptUnprotectData', input: Buffer, entropy: Buffer): Buffer {
  const api = bound();
  const output: Partial<Blob> = {};
  const ok = api[name](
    { cbData: input.length, pbData: input },
    null,
    { cbData: entropy.length, pbData: entropy },
    null,
    null,
    CRYPTPROTECT_UI_FORBIDDEN,
    output,
  );
  if (!ok) throw new Error(`${name} failed (Windows error ${Number(api.GetLastError())})`);
  try {
    return api.decode(output.pbData, output.cbData ?? 0);
  } finally {
    // DPAPI allocates the output with LocalAlloc; it is ours to free.
    api.LocalFree(output.pbData);
  }
}

export const windowsDpapi: Dpapi = {
  protect: (plaintext, entropy) => transform('CryptProtectData', plaintext, entropy),
  unprotect: (ciphertext, entropy) => transform('CryptUnprotectData', ciphertext, entropy),
};
