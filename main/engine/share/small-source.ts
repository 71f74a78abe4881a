/**
 * Whether a stream to upload is small: read up to a limit, its whole content
 * when it ends within it (it then travels in the share's session, as a file
 * `put` by name), else a stream of all of it — what was read, then the rest —
 * for a transfer of its own.
 */
import { PassThrough, type Readable } from 'node:stream';
import { abortError } from './abort';

export async function readIfSmall(source: Readable, limit: number, signal: AbortSignal): Promise<{ small: Buffer } | { stream: Readable }> {
  if (source.errored) throw source.errored;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onError = (error: unknown): void => {
      stop();
      reject(error);
    };
    const onAbort = (): void => {
      stop();
      source.destroy();
      reject(abortError(signal));
    };
    const onEnd = (): void => {
      stop();
      resolve({ small: Buffer.concat(chunks) });
    };
    const onReadable = (): void => {
      let chunk: unknown;
      while ((chunk = source.read()) !== null) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        chunks.push(bytes);
        size += bytes.length;
        if (size > limit) {
          stop();
          resolve({ stream: prepended(chunks, source) });
          return;
        }
      }
    };
    source.on('readable', onReadable);
    source.once('end', onEnd);
    source.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `first`, then the rest of `source`; a failure of either side ends the other. */
function prepended(first: Buffer[], source: Readable): Readable {
  const whole = new PassThrough({ highWaterMark: 1 << 20 });
  for (const chunk of first) whole.write(chunk);
  source.once('error', (error) => whole.destroy(error));
  whole.once('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  source.pipe(whole);
  return whole;
}
