/**
 * A throw-away enterprise PKI for the mock stamp: a root CA the console is
 * told to trust (a PEM file, or the "OS store" through SSL_CERT_FILE), and
 * the TLS certificate it issues for the loopback endpoint (127.0.0.1,
 * localhost, ::1). Keys come from Node's crypto; certificates from node-forge.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TestPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** A second, unrelated root: trusting it must not be enough. */
  otherCaPem: string;
}

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    forgePrivate: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function certificate(
  subject: string,
  publicKey: forge.pki.PublicKey,
  issuer: { name: string; key: forge.pki.rsa.PrivateKey },
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer.name }]);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

function rootCa(name: string): { pem: string; name: string; key: forge.pki.rsa.PrivateKey } {
  const keys = keyPair();
  const cert = certificate(name, keys.forgePublic, { name, key: keys.forgePrivate }, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return { pem: forge.pki.certificateToPem(cert), name, key: keys.forgePrivate };
}

export function makeTestPki(): TestPki {
  const ca = rootCa('Contoso Enterprise Root CA (test)');
  const other = rootCa('Fabrikam Root CA (test)');
  const server = keyPair();
  const serverCert = certificate('adminmanagement.local.azurestack.external', server.forgePublic, { name: ca.name, key: ca.key }, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  return { caPem: ca.pem, serverCertPem: forge.pki.certificateToPem(serverCert), serverKeyPem: server.privatePem, otherCaPem: other.pem };
}
