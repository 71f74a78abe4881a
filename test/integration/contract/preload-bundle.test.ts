import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../preload/api';
import { PROJECT_ROOT } from '../../support/web-console';

const PRELOAD = join(PROJECT_ROOT, 'out', 'preload', 'index.cjs');

// A sandboxed preload can require only a few Electron-provided modules: the contract's schemas
// (zod) must stay out of it, which is why preload/api.ts imports them as types only.
describe('the built preload bundle (npm run build)', () => {
  it('requires nothing but electron and carries no schema code', () => {
    expect(existsSync(PRELOAD), `${PRELOAD} is missing: run npm run build first`).toBe(true);
    const bundle = readFileSync(PRELOAD, 'utf8');
    expect(new Set([...bundle.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]))).toEqual(new Set(['electron']));
    expect(bundle).not.toMatch(/safeParse|ZodError|zod\//);
  });

  it('bridges every method of the contract', () => {
    const bundle = readFileSync(PRELOAD, 'utf8');
    for (const method of API_METHODS) expect(bundle, method).toContain(`"${method}"`);
  });
});
