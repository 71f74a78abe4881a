/**
 * "Test connection": reachability, authentication, write permission (probe
 * file created and deleted in the configured folder, the folder created if
 * needed), protocol dialect and encryption, free capacity — each as a step
 * the operator can read. Stops at the first failing step; `failure` carries
 * the typed error (the CLI exits 3 with its category).
 *
 * Driver-agnostic: what to probe is asked of the share (`capabilities()`),
 * so it runs the same over any driver and through any wrapper.
 */
import { formatBytes } from '../../../common/format-bytes';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { ShareTestResult } from '../../../preload/api';
import { isEngineError, type EngineError } from '../errors';
import { abortError } from './abort';
import { uncHost } from '../../../common/host-address';
import type { FileShare } from './file-share';
import { classifyShareFailure, shareError } from './share-errors';

export interface ShareConnectionTest {
  result: ShareTestResult;
  /** The first failure, or null when every step passed. */
  failure: EngineError | null;
}

type Step = ShareTestResult['steps'][number];

/** How long the reachability probe waits for the server to accept a connection. */
const REACHABILITY_TIMEOUT_MS = 15_000;

export async function testShareConnection(share: FileShare, signal: AbortSignal): Promise<ShareConnectionTest> {
  const result: ShareTestResult = {
    location: share.describe(),
    reachable: false,
    authenticated: false,
    writable: false,
    dialect: null,
    encrypted: false,
    freeBytes: null,
    totalBytes: null,
    steps: [],
  };
  const pass = (step: string, detail: string): void => void result.steps.push({ step, ok: true, detail } satisfies Step);
  const fail = (step: string, error: unknown): ShareConnectionTest => {
    const failure = asShareError(error);
    result.steps.push({ step, ok: false, detail: failure.message });
    return { result, failure };
  };
  const capabilities = share.capabilities();

  if (capabilities.server) {
    const { address, port } = capabilities.server;
    const host = uncHost(address);
    try {
      // Node connects to a bare IPv6 address (zone included); the brackets are for people.
      await tcpReachable(address.host, port, signal);
      result.reachable = true;
      pass('reachability', `${host} answers on port ${port}.`);
    } catch (error) {
      return fail('reachability', error);
    }
    try {
      const session = await share.connect(signal);
      result.authenticated = true;
      result.dialect = session.dialect;
      result.encrypted = session.encrypted;
      pass('authentication', `Signed in to ${share.describe()}${session.account ? ` as ${session.account}` : ''}.`);
      if (capabilities.reportsProtocol) {
        pass(
          'protocol',
          `${session.dialect ?? 'unknown SMB dialect'}; transfers are ${session.encrypted ? 'encrypted (SMB encryption)' : 'NOT encrypted by SMB (the backup data itself is still encrypted)'}.`,
        );
      }
    } catch (error) {
      return fail('authentication', error);
    }
  } else {
    try {
      await share.connect(signal);
      await share.mkdirp('', signal);
      result.reachable = true;
      result.authenticated = true;
      pass('reachability', `The folder ${share.describe()} is available.`);
    } catch (error) {
      return fail('reachability', error);
    }
  }

  try {
    await share.mkdirp('', signal);
    const probe = `.ibc-write-probe-${randomBytes(6).toString('hex')}`;
    await share.writeStream(probe, Readable.from([Buffer.from('write probe\n')]), signal);
    await share.deleteTree(probe, signal);
    result.writable = true;
    pass('write permission', 'A probe file was created and deleted in the backup folder.');
  } catch (error) {
    return fail('write permission', error);
  }

  try {
    const space = await share.freeSpace(signal);
    result.freeBytes = space.freeBytes;
    result.totalBytes = space.totalBytes;
    pass('capacity', `${formatBytes(space.freeBytes)} free of ${formatBytes(space.totalBytes)}.`);
  } catch (error) {
    return fail('capacity', error);
  }
  return { result, failure: null };
}

function asShareError(error: unknown): EngineError {
  if (isEngineError(error)) return error;
  return shareError(classifyShareFailure(error), undefined, error);
}

function tcpReachable(host: string, port: number, signal: AbortSignal): Promise<void> {
  const shown = host.includes(':') ? `[${host}]` : host;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => settle(abortError(signal));
    const timer = setTimeout(
      () => settle(shareError('connectivity', `${shown} did not answer on port ${port} in time.`, `connect timeout ${shown}:${port}`)),
      REACHABILITY_TIMEOUT_MS,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => settle());
    socket.once('error', (error) => settle(shareError(classifyShareFailure(error), `${shown} cannot be reached on port ${port}.`, error)));
  });
}
