import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ApiEvent, BackupSummary } from '../../preload/api';
import type { Engine } from '../../main/engine/service';
import { generateSelfSignedCertificate } from '../../main/engine/certificates';
import { registerSecret } from '../../main/engine/redact';

export const MARKER = 'PLAINTEXT-MARKER-7f3a9c';
export const PFX_PASSWORD = 'recovery pfx password';

type TestCertificate = ReturnType<typeof generateSelfSignedCertificate>;

let cached: TestCertificate | null = null;
/**
 * One RSA certificate for the whole run: generating keys is the slow part (about a CPU second each).
 * Under vitest it is made once by test/support/global-setup.ts and handed to every test file
 * (test/support/file-setup.ts); elsewhere (the bench, the Wine lane) once per process.
 */
export function testCertificate(): TestCertificate {
  cached ??= makeTestCertificate();
  return cached;
}

export function makeTestCertificate(): TestCertificate {
  return generateSelfSignedCertificate({ dnsName: 'backup.test.contoso.com', pfxPassword: PFX_PASSWORD });
}

/** The run's certificate as it crosses from the global set-up to the test files (structured clone). */
export interface SharedTestCertificate {
  cerDer: string;
  pfxDer: string;
  info: TestCertificate['info'];
  suggestedFileBase: string;
}

export function shareTestCertificate(certificate: TestCertificate): SharedTestCertificate {
  return { ...certificate, cerDer: certificate.cerDer.toString('base64'), pfxDer: certificate.pfxDer.toString('base64') };
}

/** Adopts the run's certificate as this process's, as if generated here (its .pfx password a registered secret). */
export function adoptTestCertificate(shared: SharedTestCertificate): void {
  registerSecret(PFX_PASSWORD);
  cached = { ...shared, cerDer: Buffer.from(shared.cerDer, 'base64'), pfxDer: Buffer.from(shared.pfxDer, 'base64') };
}

/** A source tree with the awkward cases: empty file, empty folder, non-ASCII names, nesting, markers. */
export async function makeSourceTree(root: string, extraBytes = 0): Promise<void> {
  await mkdir(join(root, 'nested', 'deeper'), { recursive: true });
  await mkdir(join(root, 'empty-folder'), { recursive: true });
  await writeFile(join(root, 'empty-file.txt'), '');
  await writeFile(
    join(root, 'notes.json'),
    JSON.stringify({ marker: MARKER, items: Array.from({ length: 2000 }, (_, i) => ({ i, name: `item-${i}` })) }),
  );
  await writeFile(join(root, 'nested', 'deeper', 'Ünïcødé файл 名前.txt'), `non-ascii ${MARKER}\n`);
  await writeFile(join(root, 'nested', 'random.bin'), randomBytes(3 * 1024 * 1024 + 17));
  if (extraBytes > 0) await writeFile(join(root, 'large.bin'), randomBytes(extraBytes));
}

/** path → sha256 for files, 'dir' for folders: equal maps mean byte-identical trees. */
export async function treeDigest(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const key = relative(root, path);
    if (entry.isDirectory()) out[key] = 'dir';
    else
      out[key] = `${(await stat(path)).size}:${createHash('sha256')
        .update(await readFile(path))
        .digest('hex')}`;
  }
  return out;
}

/** Starts an on-demand backup and resolves with the finished event. */
export async function backupNow(engine: Engine): Promise<Extract<ApiEvent, { type: 'job-finished' }>> {
  const finished = new Promise<Extract<ApiEvent, { type: 'job-finished' }>>((resolve) => {
    const stop = engine.onEvent((event) => {
      if (event.type === 'job-finished') {
        stop();
        resolve(event);
      }
    });
  });
  await engine.startBackup();
  return finished;
}

export function succeeded(event: Extract<ApiEvent, { type: 'job-finished' }>): BackupSummary {
  if (event.error || !event.backup) throw new Error(`backup failed: ${JSON.stringify(event.error)}`);
  return event.backup;
}
