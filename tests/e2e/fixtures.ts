/**
 * Test fixtures: `lab` (an opened LabPage) and an automatic console guard that fails the test on any
 * console error or uncaught page error, unless the test explicitly allows it (`consoleGuard.allow`).
 */
import { expect, test as base } from '@playwright/test';
import { LabPage } from './pages/LabPage';

export interface ConsoleGuard {
  /** Allows console errors matching `pattern` in this test (e.g. the deliberate worker crash). */
  allow: (pattern: RegExp) => void;
  errors: string[];
}

export const test = base.extend<{ lab: LabPage; consoleGuard: ConsoleGuard }>({
  consoleGuard: [
    async ({ page }, use) => {
      const guard: ConsoleGuard & { allowed: RegExp[] } = {
        errors: [],
        allowed: [],
        allow: (p) => guard.allowed.push(p),
      };
      page.on('console', (msg) => {
        if (msg.type() === 'error') guard.errors.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => guard.errors.push(`pageerror: ${err.message}`));
      await use(guard);
      const unexpected = guard.errors.filter((e) => !guard.allowed.some((p) => p.test(e)));
      expect(unexpected, 'console errors during the test').toEqual([]);
    },
    { auto: true },
  ],
  lab: async ({ page }, use) => {
    const lab = new LabPage(page);
    await lab.open();
    await use(lab);
  },
});

export { expect };
