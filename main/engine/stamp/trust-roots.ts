import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { systemCertsAsync } from 'system-ca';
import { invalidInput } from '../errors';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export interface AddedRoots {
  pems: string[];
  subjects: string[];
}

/**
 * The enterprise root CA certificates an operator added (a PEM file, one or
 * more certificates). Each must parse and be a CA certificate; anything else
 * is refused with the reason, so a leaf certificate or a key is never taken
 * for a root.
 */
export function parseAddedRoots(pem: string): AddedRoots {
  if (/PRIVATE KEY-----/.test(pem))
    throw invalidInput('trust', 'The root CA file holds a private key: give only the root CA certificate (public).');
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw invalidInput('trust', 'The root CA file holds no PEM certificate (-----BEGIN CERTIFICATE----- …).');
  const subjects: string[] = [];
  for (const block of blocks) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch {
      throw invalidInput(
        'trust',
        'A certificate in the root CA file cannot be read: export it again as Base-64 encoded X.509 (.cer/.pem).',
      );
    }
    if (!certificate.ca)
      throw invalidInput(
        'trust',
        `"${certificate.subject.replace(/\n/g, ', ')}" is not a CA certificate: give the enterprise root CA that issued the stamp's certificates.`,
      );
    subjects.push(certificate.subject.replace(/\n/g, ', '));
  }
  return { pems: blocks, subjects };
}

/**
 * What the stamp's TLS certificates may chain to: the station's own store
 * (Windows and macOS through their APIs, elsewhere the OpenSSL locations,
 * /etc/ssl… or SSL_CERT_FILE/SSL_CERT_DIR) and Node's bundled roots, plus the
 * roots the operator added. A stamp's certificates are usually issued by an
 * enterprise CA, which only the OS store or the added file knows.
 */
export async function trustedRoots(added: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  let system: string[] = [];
  try {
    system = await systemCertsAsync({ env });
  } catch {
    // No readable store: Node's bundled roots and the added ones still apply.
  }
  return [...new Set([...system, ...rootCertificates, ...added])];
}
