/**
 * node-forge (PKCS#12 and certificate building), loaded on first use: opening
 * a .pfx or making a certificate is rare, and its ~40 modules would otherwise
 * be read and run by every fresh process (README § Performance: a fresh
 * `backup list`). Synchronous, because opening a .pfx is (restore, verify).
 */
import { createRequire } from 'node:module';

type Forge = typeof import('node-forge');

let forge: Forge | null = null;

export function loadForge(): Forge {
  forge ??= createRequire(import.meta.url)('node-forge') as Forge;
  return forge;
}
