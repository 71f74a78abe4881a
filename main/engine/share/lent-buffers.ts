/**
 * Buffers whose producer takes their memory back once every byte of them has
 * been used. A 1 MiB buffer that simply became garbage on the event loop was
 * released only by V8's full collections: the main thread of a 1 GiB backup
 * ran 50–90 of them (--trace-gc), and a 1 GiB restore 93, each started by the
 * growth of ArrayBuffer memory, not of the heap, and a smaller young
 * generation (--max-semi-space-size) did not stop them. A buffer handed back
 * is reused (a sealed chunk is sealed into again, a decrypted chunk becomes
 * the next sealed chunk read, a read buffer is read into again), so it never
 * becomes garbage at all.
 *
 * Consumers report the bytes they are done with (`doneWith`), in any pieces
 * (views) of a lent buffer: a share driver once the kernel has them, the
 * restore once they are in a file, the chunk reader once it has copied them.
 * The buffer goes back when every byte of it has been reported; bytes nobody
 * reports (a tar header the extractor reads) keep it out of reuse, and it is
 * collected as before. A view of a buffer nobody lent is left alone.
 */
import { WriteStream } from 'node:fs';
import net from 'node:net';

interface Loan {
  bytes: Uint8Array;
  remaining: number;
  giveBack: (bytes: Uint8Array) => void;
}

/**
 * The loan is a property of the memory itself, not an entry of a WeakMap keyed by it: a WeakMap entry
 * whose value refers to its key kept young buffers nobody reported (a keyless verify's read pieces)
 * alive through minor collections, to be released only by full ones (verify: 1.2 → 1.7 core-s/GiB).
 */
const LOAN = Symbol('loan');
type LendableMemory = ArrayBufferLike & { [LOAN]?: Loan | undefined };

/** `giveBack` gets `bytes` again once every byte of it was reported done; `bytes` must be nobody else's, and the only loan of its memory. */
export function lendUntilDone<T extends Uint8Array>(bytes: T, giveBack: (bytes: T) => void): void {
  if (bytes.byteLength === 0) return;
  (bytes.buffer as LendableMemory)[LOAN] = { bytes, remaining: bytes.byteLength, giveBack: giveBack as (bytes: Uint8Array) => void };
}

/** The consumer is done with `view` (a lent buffer or a piece of one): once all of a buffer is done, its producer may reuse the memory. */
export function doneWith(view: Uint8Array): void {
  const memory = view.buffer as LendableMemory;
  const loan = memory[LOAN];
  if (!loan) return;
  const { bytes } = loan;
  // A view outside what was lent (the memory around it) says nothing about the loan.
  if (view.byteOffset < bytes.byteOffset || view.byteOffset + view.byteLength > bytes.byteOffset + bytes.byteLength) return;
  loan.remaining -= view.byteLength;
  if (loan.remaining > 0) return;
  // Not `delete`: that would turn the memory object's properties into a slow dictionary.
  memory[LOAN] = undefined;
  loan.giveBack(bytes);
}

type WriteCallback = (error?: Error | null) => void;

/** A socket on a pipe's writing end that reports each buffer as done once the kernel has it. */
export class WritingSocket extends net.Socket {
  override _write(chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback): void {
    super._write(chunk, encoding, (error) => {
      doneWith(chunk);
      callback(error);
    });
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: WriteCallback): void {
    // Taken first: net.Socket replaces the entries of `chunks` with the bare buffers.
    const buffers = chunks.map(({ chunk }) => chunk);
    super._writev!(chunks, (error) => {
      for (const buffer of buffers) doneWith(buffer);
      callback(error);
    });
  }
}

/** fs.WriteStream as Node constructs it: @types/node declares only Writable's constructor on it. */
const FileWriteStream = WriteStream as unknown as new (path: string, options: { flags: string; mode: number }) => WriteStream;

/** A file write stream that reports each buffer as done once it is written. */
export class WritingFile extends FileWriteStream {
  override _write(chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback): void {
    super._write(chunk, encoding, (error) => {
      if (!error) doneWith(chunk);
      callback(error);
    });
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: WriteCallback): void {
    const buffers = chunks.map(({ chunk }) => chunk);
    super._writev!(chunks, (error) => {
      if (!error) for (const buffer of buffers) doneWith(buffer);
      callback(error);
    });
  }
}
