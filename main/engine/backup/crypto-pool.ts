import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { TAG_BYTES } from './chunked-aead';
import { cryptoWorker, type CryptoJob, type CryptoReply } from './crypto-worker';
import { startFunctionWorker } from './function-worker';

interface PoolWorker {
  worker: Worker;
  outstanding: number;
}

/** Spent sealed chunks kept for reuse: the chunks a stream has in flight, and some. */
const SPARE_BUFFERS = 16;

type Pending = { resolve: (reply: CryptoReply) => void; reject: (error: Error) => void; worker: PoolWorker };

/** A byte buffer as its own transferable memory: a copy unless it already owns exactly its ArrayBuffer. */
export function ownedBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) {
    const only = parts[0]!;
    // Views of a larger buffer (Node's pool, zlib's output, a read block) are copied: transferring would take the whole buffer away.
    if (only.byteOffset === 0 && only.buffer.byteLength === only.byteLength && only.byteLength >= 8192 && !isShared(only)) return only;
  }
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function isShared(bytes: Uint8Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
}

/**
 * AES-256-GCM and SHA-256 on worker threads (crypto-worker.ts):
 * sealing ran at about 1 GiB/s on the event loop and hashing at 1.6, each
 * capping a backup to one core. Jobs go to the least busy worker; a stream's
 * hash stays on one worker, whose messages are handled in the order posted,
 * so its updates need only be posted in order. Order of chunks is the
 * caller's (ChunkSealer, ChunkDecryptor keep their results in sequence).
 * One worker per core but one: the event loop (reading, tar, writing) and
 * the folder reader keep a core busy of their own, and each worker costs
 * about 10 MB idle and more in buffers it has not collected yet (two on two
 * cores made a 1 GiB backup's peak RSS 25–40 MB higher). Workers are
 * started on first use and do not keep the process alive while idle.
 */
export class CryptoPool {
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextStream = 1;
  private idleWaiters: Array<() => void> = [];
  /** Sealed chunks the share has written (lent-buffers.ts), to seal the next ones into. */
  private spares: Uint8Array[] = [];
  private readonly hashStreams = new WeakMap<PooledHash, { stream: number; worker: number }>();

  constructor(private readonly size = Math.max(1, availableParallelism() - 1)) {}

  private spawn(): PoolWorker {
    const entry: PoolWorker = { worker: startFunctionWorker(cryptoWorker, null), outstanding: 0 };
    entry.worker.on('message', (reply: CryptoReply) => {
      const job = this.pending.get(reply.id);
      if (!job) return;
      this.pending.delete(reply.id);
      this.release(entry);
      if ('error' in reply) job.reject(new Error(reply.error));
      else job.resolve(reply);
    });
    const fail = (error: Error): void => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      for (const [id, job] of this.pending)
        if (job.worker === entry) {
          this.pending.delete(id);
          job.reject(error);
        }
      this.notifyIdle();
    };
    entry.worker.once('error', fail);
    entry.worker.once('exit', (code) => fail(new Error(`A crypto worker stopped (exit code ${code}).`)));
    // After the listeners: adding a 'message' listener references the worker's port again.
    entry.worker.unref();
    this.workers.push(entry);
    return entry;
  }

  private release(entry: PoolWorker): void {
    entry.outstanding -= 1;
    if (entry.outstanding === 0) entry.worker.unref();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.pending.size > 0) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  /** Workers started (each holds its own heap: memory grows with them). */
  started(): number {
    return this.workers.length;
  }

  /** Jobs posted and not yet answered. */
  outstanding(): number {
    return this.pending.size;
  }

  /** Resolves once no job is outstanding (a cancelled stream's jobs finish on the workers and are dropped). */
  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pick(pinned?: number): PoolWorker {
    if (pinned !== undefined) {
      while (this.workers.length < Math.min(this.size, pinned + 1)) this.spawn();
      return this.workers[pinned % this.workers.length]!;
    }
    const idle = this.workers.find((entry) => entry.outstanding === 0);
    if (idle) return idle;
    if (this.workers.length < this.size) return this.spawn();
    return this.workers.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
  }

  private run(job: CryptoJob, transfer: ArrayBuffer[], pinned?: number): Promise<CryptoReply> {
    const entry = this.pick(pinned);
    const id = this.nextId++;
    return new Promise<CryptoReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: entry });
      if (entry.outstanding === 0) entry.worker.ref();
      entry.outstanding += 1;
      entry.worker.postMessage({ id, job }, transfer);
    });
  }

  /**
   * Keeps a sealed chunk the share has written, to seal a later chunk of the
   * same size into: transferred to the worker, it leaves this thread's
   * ArrayBuffer memory at once instead of waiting for a full collection.
   */
  recycle(bytes: Uint8Array): void {
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || isShared(bytes)) return;
    this.spares.push(bytes);
    if (this.spares.length > SPARE_BUFFERS) this.spares.shift();
  }

  private spareOf(size: number): Uint8Array | undefined {
    const index = this.spares.findIndex((spare) => spare.byteLength === size);
    return index < 0 ? undefined : this.spares.splice(index, 1)[0];
  }

  /**
   * Whether a stream's chunks should be hashed where they are sealed (`seal`'s `hashInto`): with one
   * worker every job runs there anyway, and one message per chunk instead of two (seal, then hash)
   * saves a round trip through the event loop. With more, chunks are sealed in parallel and hashed in
   * order on the hash's worker, which a single stream's throughput needs more than the round trip.
   */
  hashesWhereSealed(): boolean {
    return this.size === 1;
  }

  /**
   * Seals one chunk; resolves with ciphertext ‖ tag as parts (never concatenated). `hashInto`
   * (when `hashesWhereSealed`): the sealed bytes are also added to that hash, in the order of calls.
   */
  async seal(
    key: Buffer,
    header: Buffer,
    counter: number,
    last: boolean,
    plaintext: readonly Uint8Array[],
    hashInto?: PooledHash,
  ): Promise<Buffer[]> {
    const bytes = ownedBytes(plaintext);
    const into = this.spareOf(bytes.byteLength + TAG_BYTES);
    const transfer = bytes.byteLength > 0 ? [bytes.buffer as ArrayBuffer] : [];
    if (into) transfer.push(into.buffer as ArrayBuffer);
    const hashStream = hashInto && this.hashStreams.get(hashInto);
    const reply = await this.run(
      {
        op: 'seal',
        key,
        header,
        counter,
        last,
        plaintext: bytes,
        ...(into && { into }),
        ...(hashStream && { hashStream: hashStream.stream }),
      },
      transfer,
      hashStream?.worker,
    );
    if (!('sealed' in reply)) throw new Error('unexpected reply to seal');
    return reply.sealed.map(asBuffer);
  }

  /** Opens one sealed chunk: the plaintext, or why it does not authenticate. */
  async open(
    key: Buffer,
    header: Buffer,
    counter: number,
    last: boolean,
    sealed: readonly Uint8Array[],
  ): Promise<{ plaintext: Buffer } | { failure: 'bad-tag'; asOther: boolean }> {
    const bytes = ownedBytes(sealed);
    const reply = await this.run(
      { op: 'open', key, header, counter, last, sealed: bytes },
      bytes.byteLength > 0 ? [bytes.buffer as ArrayBuffer] : [],
    );
    if ('plaintext' in reply) return { plaintext: asBuffer(reply.plaintext) };
    if ('failure' in reply) return { failure: reply.failure, asOther: reply.asOther };
    throw new Error('unexpected reply to open');
  }

  /** A SHA-256 over a stream, computed on one worker; `update` hands the bytes back once hashed. */
  sha256(): PooledHash {
    const stream = this.nextStream++;
    const worker = stream % this.size;
    const hash: PooledHash = {
      update: async (data) => {
        const owned = data.map((part) => ownedBytes([part]));
        const reply = await this.run(
          { op: 'hash-update', stream, data: owned },
          owned.map((part) => part.buffer as ArrayBuffer),
          worker,
        );
        if (!('data' in reply)) throw new Error('unexpected reply to hash-update');
        return reply.data.map(asBuffer);
      },
      digest: async () => {
        const reply = await this.run({ op: 'hash-digest', stream }, [], worker);
        if (!('digest' in reply)) throw new Error('unexpected reply to hash-digest');
        return reply.digest;
      },
      drop: () => {
        this.run({ op: 'hash-drop', stream }, [], worker).catch(() => undefined);
      },
    };
    this.hashStreams.set(hash, { stream, worker });
    return hash;
  }

  /** Ends the workers (tests; a process exits without it, since idle workers are unreferenced). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }
}

export interface PooledHash {
  /** Hashes the parts in the order of calls; resolves with the same bytes (as Buffers) once hashed. */
  update(data: readonly Uint8Array[]): Promise<Buffer[]>;
  digest(): Promise<string>;
  /** Forget the stream (cancelled). */
  drop(): void;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let shared: CryptoPool | null = null;
/** The process's pool, sized to its cores; every step of a job (seal, hash, open) shares it. */
export function cryptoPool(): CryptoPool {
  shared ??= new CryptoPool();
  return shared;
}
