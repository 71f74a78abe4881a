/**
 * The base of every FileShare wrapper (retry, counting, scripted faults):
 * each method call goes through `intercept`, which a wrapper overrides to
 * add its behaviour around `proceed` (the wrapped share's own call). The
 * engine never knows a wrapper is there, as with restic's backend wrappers.
 */
import type { Readable } from 'node:stream';
import type { FileShare, ShareCapabilities, ShareEntry, ShareSession, ShareSpace, WriteResult } from '../file-share';

export const SHARE_METHODS = [
  'connect',
  'stat',
  'list',
  'mkdirp',
  'writeStream',
  'readStream',
  'rename',
  'deleteTree',
  'freeSpace',
] as const;
export type ShareMethod = (typeof SHARE_METHODS)[number];

export interface ShareCall {
  method: ShareMethod;
  /** The share-relative path the call names (`from` for rename); undefined for connect and freeSpace. */
  path: string | undefined;
  signal: AbortSignal;
  /** writeStream's source. */
  source?: Readable;
}

export abstract class ShareWrapper implements FileShare {
  constructor(protected readonly inner: FileShare) {}

  protected abstract intercept<T>(call: ShareCall, proceed: () => Promise<T>): Promise<T>;

  get kind(): FileShare['kind'] {
    return this.inner.kind;
  }

  describe(): string {
    return this.inner.describe();
  }

  /** Logged or printed, a wrapper shows where the share points — never the driver's credentials. */
  toJSON(): { kind: FileShare['kind']; location: string } {
    return { kind: this.kind, location: this.describe() };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.constructor.name}(${this.describe()})`;
  }

  capabilities(): ShareCapabilities {
    return this.inner.capabilities();
  }

  connect(signal: AbortSignal): Promise<ShareSession> {
    return this.intercept({ method: 'connect', path: undefined, signal }, () => this.inner.connect(signal));
  }

  stat(path: string, signal: AbortSignal): Promise<ShareEntry | null> {
    return this.intercept({ method: 'stat', path, signal }, () => this.inner.stat(path, signal));
  }

  list(dir: string, signal: AbortSignal): Promise<ShareEntry[]> {
    return this.intercept({ method: 'list', path: dir, signal }, () => this.inner.list(dir, signal));
  }

  mkdirp(dir: string, signal: AbortSignal): Promise<void> {
    return this.intercept({ method: 'mkdirp', path: dir, signal }, () => this.inner.mkdirp(dir, signal));
  }

  writeStream(path: string, source: Readable, signal: AbortSignal): Promise<WriteResult> {
    return this.intercept({ method: 'writeStream', path, signal, source }, () => this.inner.writeStream(path, source, signal));
  }

  readStream(path: string, signal: AbortSignal): Promise<Readable> {
    return this.intercept({ method: 'readStream', path, signal }, () => this.inner.readStream(path, signal));
  }

  rename(from: string, to: string, signal: AbortSignal): Promise<void> {
    return this.intercept({ method: 'rename', path: from, signal }, () => this.inner.rename(from, to, signal));
  }

  deleteTree(path: string, signal: AbortSignal): Promise<void> {
    return this.intercept({ method: 'deleteTree', path, signal }, () => this.inner.deleteTree(path, signal));
  }

  freeSpace(signal: AbortSignal): Promise<ShareSpace> {
    return this.intercept({ method: 'freeSpace', path: undefined, signal }, () => this.inner.freeSpace(signal));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
