/** Runs in each test file's process before the file: adopts what test/support/global-setup.ts made once for the run. */
import { inject } from 'vitest';
import { adoptTestCertificate } from './backup-fixtures';

adoptTestCertificate(inject('testCertificate'));
