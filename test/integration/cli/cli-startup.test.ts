import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSourceTree, testCertificate } from '../../support/backup-fixtures';
import { cli } from '../../support/cli';
import { makeTempDir } from '../../support/temp-dir';
import { BUILT_CLI, PROJECT_ROOT } from '../../support/web-console';

// Records every module the ES module loader loads (the CLI and what it imports), one URL a line,
// into the file IBC_LOADED_MODULES names. Module hooks run on their own thread in Node 20.
const RECORD_HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.IBC_LOADED_MODULES, url + '\\n'); return next(url, context); }`;
const RECORD_LOADS = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RECORD_HOOKS)}));`;

/** Markers rolldown writes before each bundled module of a dependency. */
const rarelyNeeded = ['node-forge', 'nodemailer', '@azure/msal-node'].map((name) => `// node_modules/${name}/`);

// What a fresh `infra-backup` process reads before it answers (README § Performance: `backup list`, fresh process):
// its own bundle, never the hundreds of files of its dependencies from node_modules, and not the
// libraries only a few commands need (a .pfx, an email, a stamp's sign-in).
describe('a fresh CLI process (npm run build)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let config: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    config = join(temp.path, 'config');
    const source = join(temp.path, 'source');
    await makeSourceTree(source, 64 * 1024);
    const cer = join(temp.path, 'backup.cer');
    await writeFile(cer, testCertificate().cerDer);
    expect((await cli(['--config-dir', config, 'config', 'set', '--path', join(temp.path, 'share'), '--cert', cer])).code).toBe(0);
    expect((await cli(['--config-dir', config, 'sources', 'add', 'files', '--folder', source])).code).toBe(0);
    expect((await cli(['--config-dir', config, 'backup', 'start', '--wait'])).code).toBe(0);
  });
  afterAll(async () => temp?.remove());

  it('backup list loads its own bundle only, without the libraries of rarer commands', async () => {
    expect(existsSync(BUILT_CLI), `${BUILT_CLI} is missing: run npm run build first`).toBe(true);
    const loaded = join(temp.path, 'loaded-modules');
    await writeFile(loaded, '');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(RECORD_LOADS)}`,
        join(PROJECT_ROOT, 'bin', 'infra-backup.js'),
        '--json',
        '--config-dir',
        config,
        'backup',
        'list',
      ],
      { env: { ...process.env, IBC_LOADED_MODULES: loaded } },
    );
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ status: 'Succeeded' })]);

    const files = (await readFile(loaded, 'utf8'))
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => new URL(url).pathname);
    expect(files.filter((file) => file.includes('/node_modules/'))).toEqual([]);
    expect(files.filter((file) => file.includes('/out/main/')).length).toBeGreaterThan(0);
    for (const file of files) {
      const code = await readFile(file, 'utf8');
      for (const marker of rarelyNeeded) expect(code.includes(marker), `${file} carries ${marker}`).toBe(false);
    }
  });
});
