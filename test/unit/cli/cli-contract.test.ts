import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';

describe('infra-backup command line', () => {
  it('--help lists every command group of the design', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    for (const group of ['config', 'sources', 'share', 'schedule', 'backup', 'retention', 'timeline', 'cert', 'key', 'service', 'web']) {
      expect(out).toMatch(new RegExp(`^\\s+${group}\\b`, 'm'));
    }
    expect(out).toContain('--config-dir');
    expect(out).toContain('--json');
    expect(out).toContain('--verbose');
  });

  it('--version prints the package version', async () => {
    const { code, out } = await cli(['--version']);
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on a usage error and on invalid input naming the field', async () => {
    expect((await cli(['config', 'set', '--no-such-flag'])).code).toBe(2);
    const temp = await makeTempDir();
    try {
      const { code, err } = await cli(['--config-dir', temp.path, 'retention', 'preview', '--days', 'many']);
      expect(code).toBe(2);
      expect(err).toContain('--days must be a whole number');
    } finally {
      await temp.remove();
    }
  });

  it('prints JSON with --json and keeps all state in --config-dir', async () => {
    const temp = await makeTempDir();
    try {
      const { code, out } = await cli(['--config-dir', temp.path, '--json', 'config', 'show']);
      expect(code).toBe(0);
      const shown = JSON.parse(out) as { configured: boolean; passwordSet: boolean };
      expect(shown.configured).toBe(false);
      expect(shown).not.toHaveProperty('password');
    } finally {
      await temp.remove();
    }
  });

  it('never accepts a secret as a flag', async () => {
    const { code } = await cli(['config', 'set', '--password', 'hunter2']);
    expect(code).toBe(2);
  });
});
