import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../samba';
import { makeTempDir } from '../temp-dir';
import type { TestPki } from '../stamp-mock/test-pki';

export interface ReceivedMail {
  mailFrom: string;
  rcptTos: string[];
  /** Decoded by Python's email package: the subject unfolded, the body as text. */
  subject: string;
  headers: Record<string, string>;
  body: string;
  /** The session had upgraded with STARTTLS, and had authenticated. */
  tls: boolean;
  authenticated: boolean;
}

export interface SmtpServer {
  port: number;
  username: string;
  password: string;
  /** Every message received so far, in order. */
  messages(): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./smtp_server.py', import.meta.url));
// Debian's python3-aiosmtpd lives in the system interpreter's dist-packages.
const PYTHON = '/usr/bin/python3';

/**
 * A real SMTP server on a free loopback port: STARTTLS with the test PKI's
 * certificate, AUTH required — or, with `starttls: false`, a server that
 * offers neither (what a downgrading attacker would present).
 */
export async function startSmtpServer(pki: TestPki, options: { starttls?: boolean } = {}): Promise<SmtpServer> {
  const temp = await makeTempDir('ibc-smtp-');
  const certFile = join(temp.path, 'server.crt');
  const keyFile = join(temp.path, 'server.key');
  const outDir = join(temp.path, 'mail');
  await writeFile(certFile, pki.serverCertPem);
  await writeFile(keyFile, pki.serverKeyPem, { mode: 0o600 });
  await mkdir(outDir);
  const port = await freeLoopbackPort();
  const username = 'ibc-notify';
  const password = 'smtp-Test-Password-7';
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.write(JSON.stringify({ certFile, keyFile, outDir, port, username, password, starttls: options.starttls ?? true }) + '\n');
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`smtp server: ${line}`))));
    child.once('exit', (code) => reject(new Error(`smtp server exited with ${code}: ${stderr}`)));
  });
  return {
    port,
    username,
    password,
    async messages() {
      const names = (await readdir(outDir)).filter((name) => name.endsWith('.json')).sort();
      return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(outDir, name), 'utf8')) as ReceivedMail));
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
      await temp.remove();
    },
  };
}
