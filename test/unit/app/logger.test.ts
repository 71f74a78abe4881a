import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, LOG_FILE_ROTATE_BYTES, logFilePath } from '../../../main/engine/app/logger';
import { registerSecret } from '../../../main/engine/redact';
import { makeTempDir } from '../../support/temp-dir';

describe('the log: console and a 0600 file in the config folder, scrubbed', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => temp.remove());

  it('writes every info line to the file, scrubbed of registered secrets and secret fields, mode 0600', () => {
    const file = logFilePath(temp.path);
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line) => lines.push(line) }, logFile: file });
    registerSecret('Logged-Secret-42');
    logger.warn({ cause: 'smbclient said Logged-Secret-42 was wrong', password: 'field-secret' }, 'share test failed');
    logger.error('boom');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('share test failed');
    expect(text).toContain('smbclient said *** was wrong');
    expect(text).not.toContain('Logged-Secret-42');
    expect(text).not.toContain('field-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // the console stream keeps its own level
    expect(lines.join('')).toContain('boom');
    expect(lines.join('')).not.toContain('share test failed');
  });

  it('prints readable lines with the technical cause for people (CLI --verbose)', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', readable: true, destination: { write: (line) => lines.push(line) } });
    logger.warn(
      { method: 'testShare', cause: 'Error: NT_STATUS_LOGON_FAILURE\n    at smbclient' },
      'The file share rejected the credentials.',
    );
    expect(lines.join('')).toBe(
      'warn: The file share rejected the credentials. (method=testShare)\n  cause: Error: NT_STATUS_LOGON_FAILURE\n        at smbclient\n',
    );
  });

  it('moves a log file past its size limit aside to .1 when a front door opens it', () => {
    const file = logFilePath(temp.path);
    writeFileSync(file, 'x'.repeat(LOG_FILE_ROTATE_BYTES + 1));
    createLogger({ level: 'silent', logFile: file }).info('fresh');
    expect(statSync(`${file}.1`).size).toBe(LOG_FILE_ROTATE_BYTES + 1);
    expect(readFileSync(file, 'utf8')).toContain('fresh');
  });

  it('still logs to the console when the log file cannot be written', () => {
    const lines: string[] = [];
    const blocked = join(temp.path, 'not-a-folder');
    writeFileSync(blocked, '');
    const logger = createLogger({ level: 'warn', destination: { write: (line) => lines.push(line) }, logFile: join(blocked, 'x.log') });
    logger.warn('still here');
    expect(lines.join('')).toContain('cannot be written');
    expect(lines.join('')).toContain('still here');
  });
});
