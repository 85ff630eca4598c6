/**
 * Test fixtures: `lab` (an opened LabPage) and an automatic console guard that fails the test on any
 * console error or uncaught page error, unless the test explicitly allows it (`consoleGuard.allow`).
 * The guided tour counts as seen (`tourSeen`, on by default), so it does not open over the lab on a
 * first visit; the tour's own spec turns that off with `test.use({ tourSeen: false })`.
 */
import { expect, test as base } from '@playwright/test';
import { LabPage } from './pages/LabPage';

export interface ConsoleGuard {
  /** Allows console errors matching `pattern` in this test (e.g. the deliberate worker crash). */
  allow: (pattern: RegExp) => void;
  errors: string[];
}

export const test = base.extend<{ lab: LabPage; consoleGuard: ConsoleGuard; tourSeen: boolean }>({
  tourSeen: [true, { option: true }],
  context: async ({ context, tourSeen }, use) => {
    if (tourSeen) {
      await context.addInitScript(() => {
        // about:blank and other opaque origins have no storage.
        if (location.origin !== 'null') localStorage.setItem('quant-lab.tour', '{"outcome":"done"}');
      });
    }
    await use(context);
  },
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
