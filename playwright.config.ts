/**
 * End-to-end tests against the built app served by `vite preview` (npm run test:e2e builds first).
 * The browser is found by scripts/chromium.ts: QUANT_LAB_CHROMIUM, a system Chromium, or the one
 * shipped inside the @sparticuz/chromium devDependency; headless, with the flags in docs/performance.md.
 * Local overrides: QUANT_LAB_PORT and QUANT_LAB_DIST (serve a private build on another port, so
 * parallel work in the same checkout does not collide).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium';

const port = Number(process.env.QUANT_LAB_PORT ?? 4173);
const outDir = process.env.QUANT_LAB_DIST ? ` --outDir ${process.env.QUANT_LAB_DIST}` : '';
const browser = await findChromium();
if (!process.env.TEST_WORKER_INDEX) console.log(`e2e browser: ${browser.path} (${browser.source})`);

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'on-first-retry',
    viewport: { width: 1400, height: 1000 },
    launchOptions: { executablePath: browser.path, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort${outDir}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
