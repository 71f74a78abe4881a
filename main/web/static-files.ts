import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative, sep } from 'node:path';
import Negotiator from 'negotiator';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Vite names everything under assets/ by its content hash: a name never changes meaning. */
const HASHED_ASSETS = 'assets';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed assets, so it must be fetched fresh on every load. */
const NEVER_STORED = 'no-store';

/** The build writes `<file>.br` and `<file>.gz` beside each text asset (electron.vite.config.ts). */
const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;
const ENCODINGS = PRECOMPRESSED.map((variant) => variant.encoding);

export interface StaticFile {
  body: Buffer;
  /** Content-Type, Cache-Control, and Content-Encoding/Vary when a compressed variant is sent. */
  headers: Record<string, string>;
}

/**
 * Serves the built renderer, never anything outside its folder. Hashed assets
 * are cached for good by the browser and sent precompressed (brotli or gzip,
 * as the browser accepts); everything else is fetched fresh every time.
 */
export async function readStaticFile(root: string, urlPath: string, acceptEncoding?: string): Promise<StaticFile | null> {
  const wanted = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  const full = normalize(join(root, wanted));
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const original = await readOrNull(full);
  if (original === null) return null;
  const hashed = relative(root, full).split(sep)[0] === HASHED_ASSETS;
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPES[extname(full)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? IMMUTABLE : NEVER_STORED,
  };
  const accepted = new Negotiator({ headers: { 'accept-encoding': acceptEncoding ?? '' } }).encodings(ENCODINGS);
  for (const variant of PRECOMPRESSED) {
    const compressed = await readOrNull(full + variant.suffix);
    if (compressed === null) continue;
    // The answer depends on Accept-Encoding whenever a variant exists, whichever is sent.
    headers.Vary = 'Accept-Encoding';
    if (!accepted.includes(variant.encoding)) continue;
    return { body: compressed, headers: { ...headers, 'Content-Encoding': variant.encoding } };
  }
  return { body: original, headers };
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}
