/**
 * "Test connection": reachability, authentication, write permission (probe
 * file created and deleted in the configured folder, the folder created if
 * needed), SMB dialect and encryption, free capacity — each as a step the
 * operator can read. Stops at the first failing step; `failure` carries the
 * typed error (the CLI exits 3 with its category).
 *
 * Dialect and encryption are read from smbclient's own debug output (level 5:
 * "negotiated dialect[SMB3_11]" and "Encrypted SMB2 message" for each
 * encrypted packet), on a session that uses the same options as every
 * transfer — so "encrypted" means the transfers are encrypted, not merely
 * that the server could encrypt. That debug output is parsed here and never
 * stored or logged: only NT_STATUS lines go into an error's cause.
 */
import { formatBytes } from '../../../common/format-bytes';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { ShareTestResult } from '../../../preload/api';
import { isEngineError, type EngineError } from '../errors';
import type { FileShare } from './file-share';
import { classifyShareFailure, shareError } from './share-errors';
import { SmbShare } from './smb-share';

export interface ShareConnectionTest {
  result: ShareTestResult;
  /** The first failure, or null when every step passed. */
  failure: EngineError | null;
}

type Step = ShareTestResult['steps'][number];

export async function testShareConnection(share: FileShare): Promise<ShareConnectionTest> {
  const result: ShareTestResult = {
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

  if (share instanceof SmbShare) {
    const { host, port } = share.endpoint;
    try {
      await tcpReachable(host, port, share.endpoint.timeoutSeconds * 1000);
      result.reachable = true;
      pass('reachability', `${host} answers on port ${port}.`);
    } catch (error) {
      return fail('reachability', error);
    }
    try {
      const session = await smbSessionInfo(share);
      result.authenticated = true;
      result.dialect = session.dialect;
      result.encrypted = session.encrypted;
      pass(
        'authentication',
        `Signed in to ${share.describe()} as ${share.endpoint.domain ? `${share.endpoint.domain}\\` : ''}${share.endpoint.username}.`,
      );
      pass(
        'protocol',
        `${session.dialect ?? 'unknown SMB dialect'}; transfers are ${session.encrypted ? 'encrypted (SMB encryption)' : 'NOT encrypted by SMB (the backup data itself is still encrypted)'}.`,
      );
    } catch (error) {
      return fail('authentication', error);
    }
  } else {
    try {
      await share.mkdirp('');
      result.reachable = true;
      result.authenticated = true;
      pass('reachability', `The folder ${share.describe()} is available.`);
    } catch (error) {
      return fail('reachability', error);
    }
  }

  try {
    await share.mkdirp('');
    const probe = `.ibc-write-probe-${randomBytes(6).toString('hex')}`;
    await share.writeStream(probe, Readable.from([Buffer.from('write probe\n')]));
    await share.deleteTree(probe);
    result.writable = true;
    pass('write permission', 'A probe file was created and deleted in the backup folder.');
  } catch (error) {
    return fail('write permission', error);
  }

  try {
    const space = await share.freeSpace();
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

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(shareError('connectivity', `${host} did not answer on port ${port} in time.`, `connect timeout ${host}:${port}`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(shareError(classifyShareFailure(error), `${host} cannot be reached on port ${port}.`, error));
    });
  });
}

/** Logs on and opens the share with debug level 5, and reads the dialect and encryption. */
async function smbSessionInfo(share: SmbShare): Promise<{ dialect: string | null; encrypted: boolean }> {
  const run = await share.run({ commands: ['pwd'], debugLevel: 5 });
  if (run.spawnError !== undefined) share.segmentsOrThrow(run, 1, 'Opening the share failed.');
  if (run.timedOut) throw shareError('connectivity', `${share.describe()} did not answer in time.`, 'smbclient timed out');
  if (run.segments.length < 1) {
    const statusLines = run.transcript
      .split('\n')
      .filter((line) => /NT_STATUS_|Connection to .* failed/.test(line))
      .join('\n');
    const category = classifyShareFailure(statusLines);
    const detail =
      category === 'authentication'
        ? `${share.describe()} did not accept the user name and password.`
        : category === 'path'
          ? `${share.describe()} does not exist on the server.`
          : undefined;
    throw shareError(category, detail, statusLines || 'smbclient ended without opening the share');
  }
  const dialect = /negotiated dialect\[([A-Z0-9_]+)\]/.exec(run.transcript)?.[1] ?? null;
  return { dialect, encrypted: /Encrypted SMB2 message/.test(run.transcript) };
}
