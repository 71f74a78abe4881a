/**
 * The messages of the crypto pool (crypto-pool.ts) and the body of its
 * worker threads: AES-256-GCM sealing and opening of one chunk, and SHA-256
 * over a stream whose state stays in one worker. Every byte buffer travels
 * as a transferred ArrayBuffer of its own (no copy on the way back).
 */
export type CryptoJob =
  /**
   * `into`: a spent buffer of exactly the sealed size to seal into (crypto-pool.ts `recycle`), else a new one is allocated.
   * `hashStream`: also adds the sealed bytes to that hash stream (this worker's), before handing them back.
   */
  | {
      op: 'seal';
      key: Uint8Array;
      header: Uint8Array;
      counter: number;
      last: boolean;
      plaintext: Uint8Array;
      into?: Uint8Array;
      hashStream?: number;
    }
  | { op: 'open'; key: Uint8Array; header: Uint8Array; counter: number; last: boolean; sealed: Uint8Array }
  | { op: 'hash-update'; stream: number; data: Uint8Array[] }
  | { op: 'hash-digest'; stream: number }
  | { op: 'hash-drop'; stream: number };

export type CryptoReply =
  | { id: number; sealed: Uint8Array[] }
  /** `failure`: the chunk does not authenticate as asked; `asOther`: it would with the other last-chunk flag (truncation or trailing data). */
  | { id: number; plaintext: Uint8Array }
  | { id: number; failure: 'bad-tag'; asOther: boolean }
  | { id: number; data: Uint8Array[] }
  | { id: number; digest: string }
  | { id: number; done: true }
  | { id: number; error: string };

/** The worker's body: imports nothing, closes over nothing (function-worker.ts says why). */
export function cryptoWorker(): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const crypto = process.getBuiltinModule('node:crypto');
  const port = parentPort!;
  const hashes = new Map<number, ReturnType<typeof crypto.createHash>>();
  const TAG_BYTES = 16;

  const nonce = (counter: number, last: boolean): Buffer => {
    const bytes = Buffer.alloc(12);
    bytes.writeUIntBE(Math.floor(counter / 2 ** 32), 3, 4);
    bytes.writeUInt32BE(counter >>> 0, 7);
    bytes[11] = last ? 1 : 0;
    return bytes;
  };
  /** A buffer that owns its memory (never a view of Node's shared pool), so it can be transferred. */
  const own = (bytes: Uint8Array): Uint8Array =>
    bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.byteLength >= 8192 ? bytes : new Uint8Array(bytes);
  const hashOf = (stream: number): ReturnType<typeof crypto.createHash> => {
    let hash = hashes.get(stream);
    if (!hash) hashes.set(stream, (hash = crypto.createHash('sha256')));
    return hash;
  };
  /**
   * The plaintext, written over the sealed bytes it came from (and returned as a view of them) once the
   * tag authenticates: the main thread gets its own buffer back, which it can read the next chunk into
   * (lent-buffers.ts). Before that the sealed bytes stay as they are (a failure is opened again as the other flag).
   */
  const open = (key: Uint8Array, header: Uint8Array, counter: number, last: boolean, sealed: Uint8Array): Uint8Array | null => {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce(counter, last));
    decipher.setAAD(header);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      decipher.final();
      sealed.set(body);
      return sealed.subarray(0, body.length);
    } catch {
      return null;
    }
  };

  port.on('message', ({ id, job }: { id: number; job: CryptoJob }) => {
    try {
      if (job.op === 'seal') {
        const cipher = crypto.createCipheriv('aes-256-gcm', job.key, nonce(job.counter, job.last));
        cipher.setAAD(job.header);
        // One buffer per chunk (ciphertext ‖ tag), copied here rather than on the event loop: a
        // consumer that reads two buffered pieces gets them concatenated, a copy on the main thread.
        const size = job.plaintext.byteLength + TAG_BYTES;
        const sealed = job.into?.byteLength === size ? Buffer.from(job.into.buffer, job.into.byteOffset, size) : Buffer.allocUnsafe(size);
        let length = cipher.update(job.plaintext).copy(sealed, 0);
        length += cipher.final().copy(sealed, length);
        length += cipher.getAuthTag().copy(sealed, length);
        const out = own(sealed.subarray(0, length));
        if (job.hashStream !== undefined) hashOf(job.hashStream).update(out);
        port.postMessage({ id, sealed: [out] }, [out.buffer as ArrayBuffer]);
      } else if (job.op === 'open') {
        if (job.sealed.length < TAG_BYTES) {
          port.postMessage({ id, failure: 'bad-tag', asOther: false });
          return;
        }
        const plaintext = open(job.key, job.header, job.counter, job.last, job.sealed);
        if (plaintext) port.postMessage({ id, plaintext }, [plaintext.buffer as ArrayBuffer]);
        else port.postMessage({ id, failure: 'bad-tag', asOther: open(job.key, job.header, job.counter, !job.last, job.sealed) !== null });
      } else if (job.op === 'hash-update') {
        const hash = hashOf(job.stream);
        for (const part of job.data) hash.update(part);
        port.postMessage(
          { id, data: job.data },
          job.data.map((part) => part.buffer as ArrayBuffer),
        );
      } else if (job.op === 'hash-digest') {
        const hash = hashes.get(job.stream) ?? crypto.createHash('sha256');
        hashes.delete(job.stream);
        port.postMessage({ id, digest: hash.digest('hex') });
      } else {
        hashes.delete(job.stream);
        port.postMessage({ id, done: true });
      }
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
