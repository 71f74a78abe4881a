/**
 * The renderer's weight and load time. Size: the built renderer's JavaScript,
 * CSS and index.html gzipped (goal ≤ 300 kB), and what the web host actually
 * sends (its brotli copies). Time: the median, over 10 loads in Debian's
 * Chromium, from navigation start to the console being interactive (the
 * overview has its data: the renderer's `console-interactive` mark), with an
 * empty browser cache each time, and again with the cache warm (goal ≤ 400 ms).
 * The web host runs in this process on a fresh, unconfigured config folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createEngine } from '../main/engine/service';
import { createLogger } from '../main/engine/app/logger';
import { startWebHost } from '../main/web/server';
import { launchChromium } from '../test/support/chromium';
import { makeTempDir } from '../test/support/temp-dir';
import { median } from './measure';

const LOADS = 10;
const TEXT_ASSET = /\.(js|css|html)$/;

async function rendererSizes(dir: string): Promise<{ raw: number; gzip: number; brotli: number }> {
  const files = [join(dir, 'index.html'), ...(await readdir(join(dir, 'assets'))).map((name) => join(dir, 'assets', name))];
  const sizes = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files.filter((name) => TEXT_ASSET.test(name))) {
    const bytes = await readFile(file);
    sizes.raw += bytes.length;
    sizes.gzip += gzipSync(bytes, { level: 9 }).length;
    sizes.brotli += await stat(`${file}.br`).then(
      (info) => info.size,
      () => bytes.length,
    );
  }
  return sizes;
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

export async function benchUi(): Promise<void> {
  // out/main/bench.js → out/renderer: the build this bench runs from.
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
  const sizes = await rendererSizes(dir);
  console.log(
    `renderer (js + css + html): ${kB(sizes.raw)} minified, ${kB(sizes.gzip)} gzip (goal ≤ 300 kB), ${kB(sizes.brotli)} as sent (brotli)`,
  );

  const temp = await makeTempDir();
  const engine = createEngine({
    configDir: join(temp.path, 'config'),
    version: 'bench',
    frontDoor: 'web',
    logger: createLogger({ level: 'silent' }),
  });
  const host = await startWebHost({ engine, staticDir: dir });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(host.urlWithToken);
    await page.locator('html[data-interactive]').waitFor();
    const interactiveAt = (): Promise<number> =>
      page.evaluate(() => performance.getEntriesByName('console-interactive')[0]?.startTime ?? Number.NaN);

    const load = async (cold: boolean): Promise<number> => {
      if (cold) await cdp.send('Network.clearBrowserCache');
      await page.reload();
      await page.locator('html[data-interactive]').waitFor();
      return interactiveAt();
    };
    // Interleaved, so both see the same machine load.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      cold.push(await load(true));
      warm.push(await load(false));
    }
    const line = (label: string, values: number[]): string =>
      `${label}: median ${median(values).toFixed(0)} ms, best ${Math.min(...values).toFixed(0)} ms, worst ${Math.max(...values).toFixed(0)} ms`;
    console.log(`navigation → interactive over ${LOADS} loads (goal ≤ 400 ms)`);
    console.log(`  ${line('empty cache', cold)}`);
    console.log(`  ${line('warm cache ', warm)}`);
  } finally {
    await browser.close();
    await host.close();
    await engine.close();
    await temp.remove();
  }
}
