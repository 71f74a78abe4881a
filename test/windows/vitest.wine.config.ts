/**
 * Vitest under Windows Node on Wine (scripts/windows-lane.sh): the unit
 * tests that do not need Samba, plus test/windows/ (command sources in cmd.exe, the koffi bindings, DPAPI
 * and the conformance suite on the Windows driver).
 *
 * Two things differ from the Linux config. Rolldown's native Windows binary
 * needs bcryptprimitives.dll, which Debian's Wine lacks, so the lane gives it
 * rolldown's WebAssembly binding; that binding's file system cannot see
 * Windows drive paths, so relative imports are resolved here in JavaScript.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const EXTENSIONS = ['.ts', '.js', '/index.ts', '/index.js'];

/** Tests left out under Windows, each with the reason. */
export const NOT_ON_WINDOWS: ReadonlyArray<{ test: string; why: string }> = [
  ...[
    'has the thumbprint openssl computes',
    '.pfx opens with OpenSSL 3 without -legacy',
    '.pfx opens with python-cryptography too',
    '.pfx does not open with a wrong password (OpenSSL and openPfx)',
    'openPfx opens a .pfx made by OpenSSL 3',
    'reads an OpenSSL-made PEM certificate',
    'refuses a PEM that also carries the private key',
    'refuses a .pfx (generated and OpenSSL-made)',
    'refuses RSA 1024 and non-RSA keys',
    'warns (does not refuse) when expired',
    'cert new writes a public .cer and a 0600 .pfx',
    'cert new trims the DNS name',
  ].map((test) => ({ test, why: 'cross-checks with Linux openssl or python3-cryptography, which a Windows station does not have' })),
  ...['writes the versioned schema through conf', 'keeps only ciphertext on disk, in 0600 files'].map((test) => ({
    test,
    why: 'asserts POSIX file modes (0600), which Windows does not have (the Windows stores use DPAPI and the profile ACL)',
  })),
  { test: 'maps names into the folder and refuses Windows-style absolute names', why: 'asserts POSIX paths (/r/a/b.txt)' },
  ...['keeps only the newest heartbeat, and release leaves nothing behind', 'refuses a live lock and takes over a stale one'].map(
    (test) => ({
      test,
      why: 'waits 50 ms as synchronisation (setTimeout), which Wine under load does not honour; the share lock is covered on Linux',
    }),
  ),
  ...[
    'headless: key-file secrets, no warning',
    "desktop with Linux's basic_text backend: falls back to the key file",
    'falls back to the key file when safeStorage says it works but will not wrap a key',
    'asks main nothing when its safeStorage is unusable; the engine falls back to the key file',
    'has main show a desktop notification for a newly raised alert',
  ].map((test) => ({
    test,
    why: 'asserts the Linux headless secret store (the key file); on Windows it is DPAPI, covered by test/windows/koffi-binding.test.ts',
  })),
  ...[
    'writes every info line to the file, scrubbed of registered secrets and secret fields, mode 0600',
    'the cache file: one per location, 0600 in the config folder; a reinstall (no file) or a damaged file rebuilds from the share',
    'keeps file modes (setuid included: restore strips it) and writes folders before their contents',
  ].map((test) => ({ test, why: 'asserts POSIX file modes (0600, setuid), which Windows does not have' })),
  {
    test: 'the upload socket gives every buffer back once the kernel has it',
    why: "the upload socket is the smbclient driver's (a Unix socket / FIFO on Linux and macOS); Windows writes through the SMB redirector, and the local driver's hand-back is tested on Windows too",
  },
  {
    test: 'fails with a SourceFailure on a FIFO, without waiting for a writer',
    why: 'makes a FIFO with mkfifo, which Windows does not have',
  },
  {
    test: 'fails with a SourceFailure on a symbolic link',
    why: 'plants a POSIX symbolic link; Wine makes none a Windows reader sees as one',
  },
  {
    test: 'lists only real folders whose manifest names them as backups; everything else is Unknown, with why',
    why: 'plants entries whose names Windows cannot hold (control characters) on a local folder',
  },
  {
    test: 'a local folder needs no account and carries the "not a separate device" warning',
    why: 'uses a POSIX local folder (/srv/backups), which the Windows station refuses by its platform rule',
  },
];

const NOT_ON_WINDOWS_FILES = [
  // Runs ESLint over the source text: the same on every platform, and run on Linux by npm test.
  'test/unit/boundaries/**',
  // The smbclient driver is the Linux/macOS driver: FIFOs, F_SETPIPE_SZ, /proc.
  'test/unit/share/data-pipe.test.ts',
  'test/unit/share/smbclient-private-dir.test.ts',
];

function isFile(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isFile();
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  plugins: [
    {
      name: 'relative-imports-in-javascript',
      enforce: 'pre',
      resolveId(source, importer) {
        if (!importer || !source.startsWith('.')) return null;
        const base = resolve(dirname(importer), source);
        if (isFile(base)) return base;
        for (const extension of EXTENSIONS) if (isFile(base + extension)) return base + extension;
        return null;
      },
    },
  ],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/windows/**/*.test.ts'],
    exclude: NOT_ON_WINDOWS_FILES,
    testNamePattern: new RegExp(`^(?!.*(?:${NOT_ON_WINDOWS.map(({ test }) => escape(test)).join('|')}))`),
    environment: 'node',
    // Each Windows Node process and each fresh module graph is slow under Wine:
    // test files share their workers' module cache (halves the run).
    isolate: false,
    // Wine starts processes slowly (ten simulated days of backups take about a minute on a loaded
    // machine); nothing here waits on time as a signal.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
