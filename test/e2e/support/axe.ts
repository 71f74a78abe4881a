import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { animationsEnded } from './screenshot';

/** axe-core's own build, as it ships it for injection into pages. */
const AXE_SOURCE = axe.source;

/** The impacts that fail the suite; moderate and minor findings are returned for the log only. */
const FAILING = new Set(['critical', 'serious']);

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (npm axe-core) in the page as it is now, dialogs included,
 * and returns every critical or serious violation. The source is evaluated
 * through the DevTools protocol, which the page's CSP does not govern.
 */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  // A dialog fading in has, for a moment, too little contrast: measure what stays.
  await animationsEnded(page);
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  });
  return findings.filter((finding) => FAILING.has(finding.impact));
}
