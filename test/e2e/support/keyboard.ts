import type { Page } from 'playwright-core';

/** What has the keyboard focus: its id, test id, role-ish tag and text, for assertions that read like the UI. */
export async function focused(page: Page): Promise<{ id: string; testId: string; tag: string; text: string; outline: string }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const style = element ? getComputedStyle(element) : null;
    return {
      id: element?.id ?? '',
      testId: element?.getAttribute('data-testid') ?? '',
      tag: element?.tagName.toLowerCase() ?? '',
      text: (element?.textContent ?? '').trim().replace(/\s+/g, ' '),
      outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
    };
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on an element matching `accept`; fails after `limit` presses. */
export async function tabTo(
  page: Page,
  accept: (focus: Awaited<ReturnType<typeof focused>>) => boolean,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
  limit = 40,
): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press(key);
    if (accept(await focused(page))) return presses;
  }
  throw new Error(`Tab never reached the expected element (last: ${JSON.stringify(await focused(page))})`);
}
