import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * Runs axe-core on the page as it is now and returns the serious and critical violations, one line
 * each (rule, impact, the first offending nodes), so a failing test names what to fix. `include`
 * limits the check to the part of the page a test added (a CSS selector).
 */
export async function seriousA11yViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page: page as never });
  const result = await (include ? builder.include(include) : builder).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}
