/**
 * Page object of the accessibility checks: runs axe-core on the page (or one region) and returns the
 * violations a user would hit hardest (impact `serious` or `critical`), formatted for a readable diff.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';

/** One axe violation: rule id, impact, help text and the offending nodes' selectors. */
export interface A11yViolation {
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

const BLOCKING = new Set(['serious', 'critical']);

export class Accessibility {
  constructor(private readonly page: Page) {}

  /** Serious and critical axe violations in the whole page (WCAG 2.x A/AA and best practices). */
  blockingViolations(): Promise<A11yViolation[]> {
    return this.violations(BLOCKING);
  }

  /** Axe violations of the given impacts (all impacts when omitted). */
  async violations(impacts?: ReadonlySet<string>): Promise<A11yViolation[]> {
    const results = await new AxeBuilder({ page: this.page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze();
    return results.violations
      .filter((v) => !impacts || impacts.has(v.impact ?? ''))
      .map((v) => ({
        rule: v.id,
        impact: v.impact ?? '',
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 10),
      }));
  }

  /** The element that has keyboard focus: its test id (or tag), the chart it is in, and its computed outline. */
  focused(): Promise<{
    id: string;
    chart: string;
    outlineStyle: string;
    outlineWidth: number;
    boxShadow: string;
  }> {
    return this.page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const cs = el ? getComputedStyle(el) : null;
      return {
        id: el?.dataset.testid ?? el?.tagName.toLowerCase() ?? '',
        chart: (el?.closest('figure.chart') as HTMLElement | null)?.dataset.testid ?? '',
        outlineStyle: cs?.outlineStyle ?? 'none',
        outlineWidth: cs ? parseFloat(cs.outlineWidth) : 0,
        boxShadow: cs?.boxShadow ?? 'none',
      };
    });
  }

  /**
   * Presses Tab until the element with `testId` has focus (inside the chart `within`, when given; at
   * most `limit` presses); true if reached.
   */
  async tabTo(testId: string, within?: string, limit = 200): Promise<boolean> {
    for (let i = 0; i < limit; i++) {
      await this.page.keyboard.press('Tab');
      const f = await this.focused();
      if (f.id === testId && (within === undefined || f.chart === within)) return true;
    }
    return false;
  }

  /** A region to scroll into view before a scan (charts below the fold still count). */
  region(testId: string): Locator {
    return this.page.getByTestId(testId);
  }
}
