import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalShare } from '../../../main/engine/share/local-share';
import { mountTmpfs } from '../../support/tmpfs';
import { describeShareConformance, expectShareError, generatedData } from './conformance';
import { NO_CANCEL } from '../../../main/engine/share/abort';

describeShareConformance('local folder', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ibc-local-share-'));
  return {
    share: new LocalShare(root),
    missingFolder: new LocalShare(path.join(root, 'no-such-folder')),
    missingShare: null,
    plantLink: (linkPath, target) => symlink(target, path.join(root, ...linkPath.split('/'))),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalShare failures', () => {
  it('a full disk is a capacity failure and leaves no partial file', async (context) => {
    const tmpfs = await mountTmpfs(8);
    if ('skipReason' in tmpfs) {
      console.warn(`skipped: ${tmpfs.skipReason}`);
      context.skip();
      return;
    }
    try {
      const share = new LocalShare(tmpfs.path);
      const caught = await share.writeStream('too-big.bin', generatedData(16 << 20).stream, NO_CANCEL).catch((e: unknown) => e);
      const error = await expectShareError(Promise.reject(caught), 'capacity');
      expect(error.message, error.technicalCause).toMatch(/out of capacity/);
      expect(await readdir(tmpfs.path)).toEqual([]);
    } finally {
      await tmpfs.unmount();
    }
  });

  it('a missing root folder is a path failure', async () => {
    const share = new LocalShare(path.join(os.tmpdir(), 'ibc-does-not-exist-', String(process.pid)));
    await expectShareError(share.list('', NO_CANCEL), 'path');
  });
});
