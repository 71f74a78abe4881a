import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS } from '../../support/web-console';

/** Resolves when every finite animation running now (a dialog fading in, a spinner ending) has ended. */
export async function animationsEnded(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** Saves what the operator sees now, once it has stopped moving, as test-results/<name>-1366x768.png (or the viewport's size). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await animationsEnded(page);
  const size = page.viewportSize();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size?.width ?? 0}x${size?.height ?? 0}.png`) });
}
