import { defineConfig } from 'vitest/config';

/**
 * Test files run in parallel, this many at a time (unit and integration files together; the
 * machine has two cores and integration files spend most of their time waiting on smbd, Chromium
 * and child processes). Every file must therefore be parallel-safe: see docs/TESTING.md.
 */
const PARALLEL_FILES = 3;

export default defineConfig({
  test: {
    // Made once per run and handed to every file: the RSA test certificate.
    globalSetup: ['test/support/global-setup.ts'],
    maxWorkers: PARALLEL_FILES,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/file-setup.ts'],
          // Bounds on a hang, not timings: a file shares two cores with two other files (and, here,
          // with other sessions' suites), so CPU-heavy set-up such as RSA key generation needs room.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // Files that start real servers (smbd, the web host, Chromium), each its own on free ports.
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/file-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
