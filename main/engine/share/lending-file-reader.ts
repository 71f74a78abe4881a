import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { lendUntilDone } from './lent-buffers';

/** Read buffers a reader keeps for reuse: one being read into, one buffered, and some in the consumer's hands. */
const SPARE_PIECES = 4;

/**
 * A file as a stream of pieces read into buffers lent to the consumer
 * (lent-buffers.ts): a piece it reports done is read into again. Node's
 * ReadStream allocates a new buffer for every read, which is garbage the
 * moment the consumer has copied it (the restore's chunk reader): released
 * only by full collections. Pieces nobody reports are simply not reused.
 * Owns `handle` and closes it when the stream ends or is destroyed.
 */
export class LendingFileReader extends Readable {
  private readonly spares: Buffer[] = [];

  constructor(
    private readonly handle: FileHandle,
    private readonly pieceBytes: number,
  ) {
    super({ highWaterMark: pieceBytes });
  }

  override _read(): void {
    const buffer = this.spares.pop() ?? Buffer.allocUnsafeSlow(this.pieceBytes);
    this.handle.read(buffer, 0, this.pieceBytes, null).then(
      ({ bytesRead }) => {
        if (this.destroyed) return;
        if (bytesRead === 0) {
          this.push(null);
          return;
        }
        const piece = buffer.subarray(0, bytesRead);
        lendUntilDone(piece, () => {
          if (this.spares.length < SPARE_PIECES) this.spares.push(buffer);
        });
        this.push(piece);
      },
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      (closeError: unknown) => callback(error ?? (closeError instanceof Error ? closeError : new Error(String(closeError)))),
    );
  }
}
