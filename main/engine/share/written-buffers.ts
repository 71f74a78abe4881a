/**
 * Buffers whose producer takes their memory back once a share driver has
 * written them. A 1 MiB chunk that simply became garbage on the event loop
 * was released only by V8's full collections: the main thread of a 1 GiB
 * backup ran 50–90 of them (--trace-gc), each started by the growth of
 * ArrayBuffer memory, not of the heap, and a smaller young generation
 * (--max-semi-space-size) did not stop them. A buffer handed back is reused
 * (crypto-pool.ts transfers it to the worker that seals the next chunk), so
 * it never becomes garbage at all.
 *
 * A driver calls `doneWriting` only once the bytes are out of its hands (the
 * kernel has them); a buffer nobody registered is left alone.
 */
import net from 'node:net';

const takers = new WeakMap<Buffer, (bytes: Buffer) => void>();

/** `take` gets `bytes` back once a driver has written it; `bytes` must be nobody else's. */
export function giveBackWhenWritten(bytes: Buffer, take: (bytes: Buffer) => void): void {
  takers.set(bytes, take);
}

/** The driver is done with `bytes`: its producer may reuse the memory now. */
export function doneWriting(bytes: Buffer): void {
  const take = takers.get(bytes);
  if (!take) return;
  takers.delete(bytes);
  take(bytes);
}

type WriteCallback = (error?: Error | null) => void;

/** A socket on a pipe's writing end that reports each buffer as done (`doneWriting`) once the kernel has it. */
export class WritingSocket extends net.Socket {
  override _write(chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback): void {
    super._write(chunk, encoding, (error) => {
      doneWriting(chunk);
      callback(error);
    });
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: WriteCallback): void {
    // Taken first: net.Socket replaces the entries of `chunks` with the bare buffers.
    const buffers = chunks.map(({ chunk }) => chunk);
    super._writev!(chunks, (error) => {
      for (const buffer of buffers) doneWriting(buffer);
      callback(error);
    });
  }
}
