/**
 * Secrets registered here are removed from every string that may reach a log,
 * an error message or the renderer. Registration happens wherever a secret
 * enters the engine (password from a form, stdin, the secret store), so a
 * secret echoed back by a child process (smbclient, openssl) is caught too.
 */
const registered = new Set<string>();

const MIN_SECRET_LENGTH = 3;

export function registerSecret(secret: string | undefined | null): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return;
  registered.add(secret);
}

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // key=value / key: value forms for well-known secret names
  [/((?:password|passwd|pwd|secret|token|key)\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1***'],
  // smbclient-style user%password
  [/(-U\s*\S+?%)\S+/g, '$1***'],
  // PEM private keys
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[private key removed]'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
