import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS } from '../../support/web-console';

/** Resolves when every finite animation running now (a dialog fading in, a spinner ending) has ended. */
export async function animationsEnded(page: Page): Promise<void> {
  // Vue starts a transition's CSS one frame after it marks the element *-enter-active, so an
  // empty getAnimations() right after a change does not yet mean "still": wait for frames until
  // no transition class is left and nothing finite is running.
  await page.evaluate(async () => {
    const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      await nextFrame();
      await nextFrame();
      const running = document.getAnimations().filter((animation) => animation.effect?.getTiming().iterations !== Infinity);
      const transitioning = document.querySelector('[class*="-enter-active"], [class*="-leave-active"]') !== null;
      if (running.length === 0 && !transitioning) return;
      await Promise.all(running.map((animation) => animation.finished.catch(() => undefined)));
    }
  });
}

/** Saves what the operator sees now, once it has stopped moving, as test-results/<name>-1366x768.png (or the viewport's size). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await animationsEnded(page);
  const size = page.viewportSize();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size?.width ?? 0}x${size?.height ?? 0}.png`) });
}
