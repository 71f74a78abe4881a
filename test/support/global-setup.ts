/**
 * Runs once per `vitest run`, before any test file: makes what every file would otherwise make
 * again (the RSA test certificate) and hands it to the files through vitest's provide/inject
 * (test/support/file-setup.ts adopts it).
 */
import type { TestProject } from 'vitest/node';
import { makeTestCertificate, shareTestCertificate, type SharedTestCertificate } from './backup-fixtures';

declare module 'vitest' {
  export interface ProvidedContext {
    testCertificate: SharedTestCertificate;
  }
}

export default function setup(project: TestProject): void {
  project.provide('testCertificate', shareTestCertificate(makeTestCertificate()));
}
