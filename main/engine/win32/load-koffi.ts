/**
 * koffi (the FFI the Windows-only code calls Win32 through), loaded on first
 * use so other platforms never load it. Synchronous, because the secret store
 * that needs it is.
 */
import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');

let koffi: Koffi | null = null;

export function loadKoffi(): Koffi {
  koffi ??= createRequire(import.meta.url)('koffi') as Koffi;
  return koffi;
}
